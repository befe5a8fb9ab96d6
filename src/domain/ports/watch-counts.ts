/** How many cases each channel watches, read in one query (the digest fan-out orders channels by it). */
export interface WatchCounts {
  /** Every channel that watches at least one case, with how many cases it watches. */
  watchCountsByChannel(): Promise<Map<string, number>>;
}
