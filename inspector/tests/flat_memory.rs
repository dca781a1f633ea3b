//! A full capture's memory stays flat as events keep coming: every allocation is counted
//! (this test binary's own global allocator), so the figure is the live heap, not RSS.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, SystemTime};

use bytes::BytesMut;
use sse_inspector::{Capture, CaptureLimits};
use sse_subscriber::{BodyRead, SseEvent, Update};

/// What a network read buffer holds (hyper starts at 8 KiB).
const READ_BUFFER: usize = 8 * 1024;

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Feeds events `from..to` as the subscriber reports them: the raw block, then the event.
fn feed(capture: &mut Capture, from: u64, to: u64, offset: &mut u64) {
    for n in from..to {
        let data = format!("{{\"n\":{n},\"kind\":\"{}\"}}", if n % 7 == 0 { "tick" } else { "tock" });
        let block = format!("id: {n}\ndata: {data}\n\n");
        *offset += block.len() as u64;
        // As the network hands it over: a slice of a read buffer far larger than the block.
        let mut buffer = BytesMut::with_capacity(READ_BUFFER);
        buffer.extend_from_slice(block.as_bytes());
        capture.observe(&Update::Raw(BodyRead { bytes: buffer.split().freeze(), compressed: None }));
        capture.observe(&Update::Event(SseEvent {
            event: if n % 7 == 0 { "tick".into() } else { "message".into() },
            data,
            id: n.to_string(),
            id_set: true,
            retry: None,
            size: block.len(),
            stream_offset: *offset,
            received_at: SystemTime::UNIX_EPOCH + Duration::from_micros(n * 100),
        }));
    }
}

/// Once the history holds its 100,000 events, a million more leave the live heap where it was;
/// and the raw bytes hold what they count, not the read buffers they came in.
#[test]
fn a_full_capture_keeps_its_memory_flat() {
    let mut capture = Capture::new(CaptureLimits::default());
    let mut offset = 0;
    capture.observe(&Update::Open {
        status: 200,
        headers: Default::default(),
        received_at: std::time::SystemTime::now(),
    });
    feed(&mut capture, 0, 200_000, &mut offset);
    let full = LIVE.load(Ordering::Relaxed);
    feed(&mut capture, 200_000, 1_200_000, &mut offset);
    let later = LIVE.load(Ordering::Relaxed);
    assert_eq!(capture.counts().kept, 100_000);
    assert_eq!(capture.counts().dropped, 1_100_000);
    // 100,000 events of ~30 bytes with their rows and indexes, plus 4 MiB of raw bytes; a
    // raw capture keeping read buffers would hold 8 KiB per block, over 900 MiB.
    assert!(full < 64 * 1024 * 1024, "live heap {full} bytes for a full capture");
    let growth = later - full;
    assert!(growth.abs() < 1024 * 1024, "live heap {full} bytes when full, {later} a million events later");
}
