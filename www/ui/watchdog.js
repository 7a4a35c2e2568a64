// Notices a training worker that stopped answering (a computation that never returns, a browser
// that killed it) and says so, with a button that starts a fresh worker on the same settings.
// The page pings the worker every second; the worker answers ahead of its work queue, so a
// silence longer than STALL_MS means its thread is stuck, not merely busy with a long step.

const PING_MS = 1000;
export const STALL_MS = 6000;

export class Watchdog {
  /**
   * @param {object} hooks
   * @param {(msg: object) => void} hooks.ping  sends a ping to the worker
   * @param {(silentMs: number) => void} hooks.onStall  called once per stall
   */
  constructor({ ping, onStall }) {
    this.ping = ping;
    this.onStall = onStall;
    this.lastHeard = performance.now();
    this.stalled = false;
    this.id = 0;
    this.timer = setInterval(() => this.tick(), PING_MS);
  }

  /** Any message from the worker proves it alive. */
  heard() {
    this.lastHeard = performance.now();
    this.stalled = false;
  }

  tick() {
    // A hidden tab's timers are throttled: its silence proves nothing.
    if (document.hidden) {
      this.lastHeard = performance.now();
      return;
    }
    const silent = performance.now() - this.lastHeard;
    if (silent > STALL_MS && !this.stalled) {
      this.stalled = true;
      this.onStall(silent);
    }
    this.ping({ type: 'ping', id: ++this.id });
  }

  /** A new worker: start counting afresh. */
  restart() {
    this.heard();
  }
}
