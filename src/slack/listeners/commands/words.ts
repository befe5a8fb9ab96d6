/**
 * The text after `/case`, as words, keeping the raw remainder of the line available so a note or a reason
 * reaches the vendor with its own spacing and line breaks.
 */
export class CommandWords {
  readonly words: readonly string[];
  private readonly starts: readonly number[];

  constructor(
    readonly text: string,
    split?: { words: readonly string[]; starts: readonly number[] },
  ) {
    if (split) {
      this.words = split.words;
      this.starts = split.starts;
      return;
    }
    const words: string[] = [];
    const starts: number[] = [];
    const pattern = /\S+/g;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      words.push(m[0]);
      starts.push(m.index);
    }
    this.words = words;
    this.starts = starts;
  }

  get length(): number {
    return this.words.length;
  }

  at(index: number): string | undefined {
    return this.words[index];
  }

  /** Everything from word `index` to the end, as typed (trimmed); '' when there is nothing. */
  rest(index: number): string {
    const start = this.starts[index];
    return start === undefined ? '' : this.text.slice(start).trim();
  }

  /** The words from `index` on, as a new CommandWords over the raw remainder (split once, on every ack). */
  from(index: number): CommandWords {
    const start = this.starts[index];
    if (start === undefined) return new CommandWords('');
    return new CommandWords(this.rest(index), {
      words: this.words.slice(index),
      starts: this.starts.slice(index).map((at) => at - start),
    });
  }
}
