/** "Did you mean …?" for names people type: configuration keys, vendors, time zones. */

/**
 * Edit distance where swapping two neighbouring letters counts as one typo ("csico" → "cisco"). With `limit`,
 * gives up and returns limit + 1 once the distance is certainly above it (cheap over long lists).
 */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      row.push(best);
      rowMin = Math.min(rowMin, best);
    }
    // Every later value is at least this row's smallest, so nothing below the limit can follow.
    if (rowMin > limit) return limit + 1;
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name closest to `word` (case-insensitive), within `maxDistance(name)` typos: by default about one
 * typo per three letters, at least one.
 */
export function closestName(
  word: string,
  known: Iterable<string>,
  maxDistance: (name: string) => number = (name) => Math.max(1, Math.floor(name.length / 3)),
): string | undefined {
  const lower = word.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const allowed = maxDistance(name);
    const distance = editDistance(lower, name.toLowerCase(), allowed);
    if (distance <= allowed && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
