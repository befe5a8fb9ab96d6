/**
 * Ack times kept as plain values until the registry is read. A histogram's observe() checks and hashes its
 * labels and walks the buckets: done once per ack, that work sits between the acks of a flood. Here an ack
 * costs three array writes, and the histogram catches up when Prometheus scrapes (the histogram's collect).
 * The buffer never grows past its capacity: once full, each new ack first records the oldest one, so without
 * scrapes an ack costs what it did before, and no ack time is ever dropped.
 */
export type RecordAck = (kind: string, outcome: string, seconds: number) => void;

export const PENDING_ACKS_CAPACITY = 16_384;

export class PendingAcks {
  // Three plain arrays rather than an object per ack: nothing for the collector to trace.
  private kinds: string[] = [];
  private outcomes: string[] = [];
  private seconds: number[] = [];
  /** Index of the oldest pending ack. */
  private head = 0;

  constructor(
    private readonly record: RecordAck,
    readonly capacity: number = PENDING_ACKS_CAPACITY,
  ) {}

  get pending(): number {
    return this.kinds.length - this.head;
  }

  add(kind: string, outcome: string, seconds: number): void {
    if (this.pending >= this.capacity) this.recordOldest();
    this.kinds.push(kind);
    this.outcomes.push(outcome);
    this.seconds.push(seconds);
  }

  /** Records every pending ack, oldest first. */
  recordAll(): void {
    while (this.pending > 0) this.recordOldest();
  }

  private recordOldest(): void {
    const at = this.head;
    const kind = this.kinds[at] as string;
    const outcome = this.outcomes[at] as string;
    const seconds = this.seconds[at] as number;
    this.head += 1;
    if (this.head === this.kinds.length) {
      this.kinds = [];
      this.outcomes = [];
      this.seconds = [];
      this.head = 0;
    } else if (this.head * 2 > this.capacity) {
      // Full and recording one per ack: drop the recorded front now and then, not on every ack.
      this.kinds.splice(0, this.head);
      this.outcomes.splice(0, this.head);
      this.seconds.splice(0, this.head);
      this.head = 0;
    }
    this.record(kind, outcome, seconds);
  }
}
