// The classic demo client: every event's data goes into the div, as text only.
const valueEl = document.getElementById("value");
const statusEl = document.getElementById("status");

if (typeof EventSource === "undefined") {
  valueEl.textContent = "This browser does not support Server-Sent Events (EventSource).";
} else {
  const source = new EventSource("/events?stream=messages");
  source.onopen = () => { statusEl.textContent = "connected"; };
  source.onmessage = (event) => { valueEl.textContent = event.data; };
  source.onerror = () => {
    statusEl.textContent = source.readyState === EventSource.CLOSED ? "closed" : "reconnecting…";
  };
}
