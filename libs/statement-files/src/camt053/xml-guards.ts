/**
 * Checks on the decoded text BEFORE it reaches the XML parser: a DTD is refused outright
 * (entity expansion, external entities), and no single run of text or markup construct may
 * grow beyond a limit, because the parser buffers each one whole.
 */

const DOCTYPE = '<!DOCTYPE';

/** Index of the first `<!DOCTYPE`, in any case, or -1. */
export function findDoctype(text: string): number {
  let at = text.indexOf('<!');
  while (at >= 0) {
    if (text.length - at >= DOCTYPE.length && text.slice(at, at + DOCTYPE.length).toUpperCase() === DOCTYPE) return at;
    at = text.indexOf('<!', at + 2);
  }
  return -1;
}

/** How many characters at the end of `text` could begin a `<!DOCTYPE` that the next piece completes. */
export function doctypeStartLength(text: string): number {
  let at = text.indexOf('<', Math.max(0, text.length - DOCTYPE.length + 1));
  while (at >= 0) {
    if (DOCTYPE.startsWith(text.slice(at).toUpperCase())) return text.length - at;
    at = text.indexOf('<', at + 1);
  }
  return 0;
}

const GREATER = 0x3e;
const BANG = 0x21;
const QUESTION = 0x3f;
const DASH = 0x2d;
const CLOSE_BRACKET = 0x5d;

type Construct = 'text' | 'open' | 'bang' | 'tag' | 'quoted' | 'comment' | 'cdata' | 'pi';

/** The next index of a character at or after a position, found once and reused while scanning one piece. */
class NextIndex {
  private found = -1;
  private searchedFrom = Number.MAX_SAFE_INTEGER;

  constructor(private readonly char: string) {}

  reset(): void {
    this.searchedFrom = Number.MAX_SAFE_INTEGER;
  }

  /** -1 when there is none (positions only grow while one piece is scanned). */
  after(text: string, at: number): number {
    if (at < this.searchedFrom || (this.found >= 0 && this.found < at)) {
      this.found = text.indexOf(this.char, at);
      this.searchedFrom = at;
    }
    return this.found;
  }
}

/**
 * Measures each run of character data and each markup construct (tag with its attributes,
 * comment, CDATA section, processing instruction) across pieces of text, without parsing.
 */
export class MarkupSizeGuard {
  private construct: Construct = 'text';
  private size = 0;
  private quote = '';
  /** Closing marks just seen: `-` in a comment, `]` in CDATA, `?` in a processing instruction. */
  private marks = 0;
  /** What follows `<!`, until it tells a comment from a CDATA section. */
  private bang = '';
  /** Index in the current piece of the first character beyond the limit. */
  private overflowAt = -1;
  private readonly doubleQuotes = new NextIndex('"');
  private readonly singleQuotes = new NextIndex("'");

  constructor(private readonly limit: number) {}

  /** The index in `text` of the first character beyond the limit, or null. */
  check(text: string): number | null {
    this.doubleQuotes.reset();
    this.singleQuotes.reset();
    this.overflowAt = -1;
    let at = 0;
    while (at < text.length && this.overflowAt < 0) at = this.step(text, at);
    return this.overflowAt < 0 ? null : this.overflowAt;
  }

  /** Counts the characters from `from` to `to` into the current construct. */
  private grow(from: number, to: number): void {
    this.size += to - from;
    if (this.size > this.limit && this.overflowAt < 0) this.overflowAt = to - (this.size - this.limit);
  }

  private step(text: string, at: number): number {
    switch (this.construct) {
      case 'text':
        return this.scanText(text, at);
      case 'open':
        return this.scanOpen(text, at);
      case 'bang':
        return this.scanBang(text, at);
      case 'tag':
        return this.scanTag(text, at);
      case 'quoted':
        return this.scanQuoted(text, at);
      case 'comment':
        return this.scanUntilClosed(text, at, DASH, 2);
      case 'cdata':
        return this.scanUntilClosed(text, at, CLOSE_BRACKET, 2);
      case 'pi':
        return this.scanUntilClosed(text, at, QUESTION, 1);
    }
  }

  private begin(construct: Construct): void {
    this.construct = construct;
    this.marks = 0;
  }

  private scanText(text: string, at: number): number {
    const less = text.indexOf('<', at);
    const end = less < 0 ? text.length : less;
    this.grow(at, end);
    if (less < 0 || this.overflowAt >= 0) return end;
    this.size = 0;
    this.grow(less, less + 1);
    this.begin('open');
    return less + 1;
  }

  private scanOpen(text: string, at: number): number {
    const code = text.charCodeAt(at);
    if (code === BANG) {
      this.bang = '';
      this.begin('bang');
    } else if (code === QUESTION) {
      this.begin('pi');
    } else {
      this.begin('tag');
      return this.scanTag(text, at);
    }
    this.grow(at, at + 1);
    return at + 1;
  }

  /** `<!--` opens a comment, `<![CDATA[` a CDATA section; anything else is read like a tag. */
  private scanBang(text: string, at: number): number {
    this.bang += text[at];
    this.grow(at, at + 1);
    if (this.bang === '--') this.begin('comment');
    else if (this.bang === '[CDATA[') this.begin('cdata');
    else if (!'--'.startsWith(this.bang) && !'[CDATA['.startsWith(this.bang)) this.begin('tag');
    return at + 1;
  }

  /** Up to `>`, skipping quoted attribute values (which may hold `>`). */
  private scanTag(text: string, at: number): number {
    const greater = text.indexOf('>', at);
    const quote = this.nextQuote(text, at);
    if (quote >= 0 && (greater < 0 || quote < greater)) {
      this.grow(at, quote + 1);
      this.quote = text[quote];
      this.begin('quoted');
      return quote + 1;
    }
    const end = greater < 0 ? text.length : greater + 1;
    this.grow(at, end);
    if (greater >= 0) this.endMarkup();
    return end;
  }

  private nextQuote(text: string, at: number): number {
    const double = this.doubleQuotes.after(text, at);
    const single = this.singleQuotes.after(text, at);
    if (double < 0) return single;
    return single < 0 ? double : Math.min(double, single);
  }

  private scanQuoted(text: string, at: number): number {
    const quote = text.indexOf(this.quote, at);
    const end = quote < 0 ? text.length : quote + 1;
    this.grow(at, end);
    if (quote >= 0) this.begin('tag');
    return end;
  }

  /** Up to `-->`, `]]>` or `?>`: `needed` closing marks then `>`. */
  private scanUntilClosed(text: string, at: number, mark: number, needed: number): number {
    let end = at;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      end += 1;
      if (code === GREATER && this.marks >= needed) {
        this.grow(at, end);
        this.endMarkup();
        return end;
      }
      this.marks = code === mark ? this.marks + 1 : 0;
    }
    this.grow(at, end);
    return end;
  }

  private endMarkup(): void {
    if (this.overflowAt >= 0) return;
    this.size = 0;
    this.begin('text');
  }
}
