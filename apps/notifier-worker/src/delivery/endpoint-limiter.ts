/** The longest a delivery job may hold a worker slot waiting for its endpoint's turn. */
export const MAX_SLOT_WAIT_MS = 200;
const MIN_DEFER_MS = 100;
const MAX_DEFER_MS = 5000;
/** Weight of the newest attempt in an endpoint's latency average. */
const EWMA_WEIGHT = 0.2;

interface EndpointState {
  inFlight: number;
  waiters: Array<(granted: boolean) => void>;
  /** Moving average of this endpoint's attempt durations, in ms (undefined before the first). */
  latencyMs?: number;
}

/**
 * Requests in flight per endpoint, in this process. A delivery whose endpoint is at its limit
 * waits only while the wait is short (a fast endpoint frees a slot within milliseconds); when
 * the expected wait is long (a slow or dead endpoint) it gets `false` and is put back on the
 * queue by the caller, so one endpoint never holds the worker's slots that others need.
 */
export class EndpointLimiter {
  private readonly endpoints = new Map<string, EndpointState>();

  constructor(private readonly limit: number) {}

  /** Takes a slot for `endpointId`, waiting at most MAX_SLOT_WAIT_MS and only when that looks worth it. */
  acquire(endpointId: string): Promise<boolean> {
    const state = this.state(endpointId);
    if (state.inFlight < this.limit) {
      state.inFlight += 1;
      return Promise.resolve(true);
    }
    if (this.expectedWaitMs(state) > MAX_SLOT_WAIT_MS) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted);
      };
      const timer = setTimeout(() => {
        const index = state.waiters.indexOf(waiter);
        if (index >= 0) state.waiters.splice(index, 1);
        resolve(false);
      }, MAX_SLOT_WAIT_MS);
      state.waiters.push(waiter);
    });
  }

  /** Gives the slot back (to the next waiter, if any) and learns the endpoint's latency. */
  release(endpointId: string, durationMs?: number): void {
    const state = this.endpoints.get(endpointId);
    if (!state) return;
    if (durationMs !== undefined) state.latencyMs = state.latencyMs === undefined ? durationMs : state.latencyMs + EWMA_WEIGHT * (durationMs - state.latencyMs);
    const next = state.waiters.shift();
    if (next) {
      next(true); // the slot passes straight to the waiter
      return;
    }
    state.inFlight -= 1;
    if (state.inFlight <= 0 && state.waiters.length === 0) {
      state.inFlight = 0;
      // Keep what was learnt about a slow endpoint; forget fast idle ones (bounded memory).
      if (state.latencyMs === undefined || state.latencyMs < MAX_SLOT_WAIT_MS) this.endpoints.delete(endpointId);
      if (this.endpoints.size > 10_000) this.endpoints.delete(endpointId);
    }
  }

  /** How long to put a delivery back on the queue when its endpoint is busy: about one wait for a free slot, with jitter. */
  deferMs(endpointId: string, random: () => number = Math.random): number {
    const state = this.endpoints.get(endpointId);
    const expected = state ? this.expectedWaitMs(state) : MIN_DEFER_MS;
    const base = Math.min(MAX_DEFER_MS, Math.max(MIN_DEFER_MS, expected));
    return Math.round(base * (1 + random()));
  }

  inFlight(endpointId: string): number {
    return this.endpoints.get(endpointId)?.inFlight ?? 0;
  }

  /** Waiters ahead plus this one, served `limit` at a time, each taking about the endpoint's latency. */
  private expectedWaitMs(state: EndpointState): number {
    if (state.latencyMs === undefined) return 0;
    return Math.ceil((state.waiters.length + 1) / this.limit) * state.latencyMs;
  }

  private state(endpointId: string): EndpointState {
    let state = this.endpoints.get(endpointId);
    if (!state) {
      state = { inFlight: 0, waiters: [] };
      this.endpoints.set(endpointId, state);
    }
    return state;
  }
}
