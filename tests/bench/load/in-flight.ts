// Counts the client's requests between their sending and their answer's headers, and keeps the peak: it
// shows whether N uploads started at once really had N requests on the server together, or whether the
// client's own CPU work spread them out.
import type { FetchLike } from '../../../client/core/api.ts';

export class InFlight {
  current = 0;
  peak = 0;

  readonly fetch: FetchLike = async (url, init) => {
    this.current += 1;
    this.peak = Math.max(this.peak, this.current);
    try {
      return await fetch(url, init);
    } finally {
      this.current -= 1;
    }
  };

  resetPeak(): void {
    this.peak = this.current;
  }
}
