//! What the client is sent: the upstream's body as it comes, the same put through a fault
//! rule, or the tap's own answer (a refusal, a 502 or 504, a rule's answer to a reconnect).

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use crate::body::TappedResponse;
use crate::error::BoxError;
use crate::faulted::FaultedResponse;

/// The tap's own answer (502, 504, a refusal): one frame of text.
pub(crate) struct Answer(Option<Bytes>);

impl Answer {
    pub(crate) fn text(text: String) -> Self {
        Self(Some(Bytes::from(text)))
    }

    pub(crate) fn empty() -> Self {
        Self(None)
    }
}

impl Body for Answer {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        Poll::Ready(self.0.take().map(|data| Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.0.as_ref().map_or(0, |b| b.len() as u64))
    }
}

/// What the client is sent: the upstream's body, the same put through a fault rule, or the
/// tap's own answer.
pub(crate) enum ProxyBody {
    Upstream(TappedResponse),
    Faulted(Box<FaultedResponse>),
    Answer(Answer),
}

impl Body for ProxyBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let polled = match self.get_mut() {
            Self::Upstream(body) => Pin::new(body).poll_frame(cx),
            Self::Faulted(body) => return Pin::new(body.as_mut()).poll_frame(cx),
            Self::Answer(body) => Pin::new(body).poll_frame(cx),
        };
        polled.map(|frame| frame.map(|result| result.map_err(BoxError::from)))
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Upstream(body) => body.is_end_stream(),
            Self::Faulted(body) => body.is_end_stream(),
            Self::Answer(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Upstream(body) => body.size_hint(),
            Self::Faulted(_) => SizeHint::default(),
            Self::Answer(body) => body.size_hint(),
        }
    }
}
