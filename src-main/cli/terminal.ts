import { AppError } from '../shared/app-error.js';

/** Where the CLI talks to a person: stderr for messages, stdin for answers. */
export interface Terminal {
  /** True when a person can answer prompts (stdin and stderr are TTYs). */
  readonly interactive: boolean;
  /** True when stderr is a TTY (progress bar instead of plain lines). */
  readonly fancy: boolean;
  readonly columns: number;
  write(text: string): void;
  out(text: string): void;
  /** Reads a line without echo (passphrases). */
  readSecret(prompt: string): Promise<string>;
  readLine(prompt: string): Promise<string>;
}

export function createTerminal(): Terminal {
  const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY) && process.env.LIFEBOAT_NO_PROMPT !== '1';
  return {
    interactive,
    fancy: Boolean(process.stderr.isTTY),
    get columns() {
      return process.stderr.columns || 80;
    },
    write: (text) => void process.stderr.write(text),
    out: (text) => void process.stdout.write(text),
    readSecret: (prompt) => readFromTty(prompt, false),
    readLine: (prompt) => readFromTty(prompt, true),
  };
}

/** Reads one line from the TTY in raw mode, echoing only when asked; Ctrl-C cancels. */
function readFromTty(prompt: string, echo: boolean): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(wasRaw);
      stdin.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      let offset = 0;
      for (const ch of text) {
        offset += ch.length;
        if (ch === '\r' || ch === '\n') {
          // Pasted or typed-ahead input after Enter belongs to the next question.
          const rest = text.slice(offset).replace(/^\n/, '');
          done();
          if (rest) stdin.unshift(Buffer.from(rest));
          return;
        }
        if (ch === '\u0003') return done(new AppError('canceled', 'Canceled.'));
        if (ch === '\u0004' && value === '') return done(new AppError('canceled', 'Canceled.'));
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            if (echo) process.stderr.write('\b \b');
          }
        } else if (ch >= ' ') {
          value += ch;
          if (echo) process.stderr.write(ch);
        }
      }
    };
    stdin.on('data', onData);
  });
}
