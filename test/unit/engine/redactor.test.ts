import { describe, expect, it } from 'vitest';
import { createRedactor, registerSecret } from '../../../src-main/engine/index.js';

describe('redactor', () => {
  it('leaves a short secret alone inside longer words, so lines stay readable and do not show where it is', () => {
    const redact = createRedactor(['p']);
    expect(redact('Backing up /srv/app: 1 file, 2 kB')).toBe('Backing up /srv/app: 1 file, 2 kB');
    const est = createRedactor(['est']);
    expect(est('latest estimate, attested')).toBe('latest estimate, attested');
  });

  it('redacts a short secret wherever it stands as a value of its own', () => {
    const redact = createRedactor(['p']);
    expect(redact('p')).toBe('***');
    expect(redact('passphrase=p')).toBe('passphrase=***');
    expect(redact('{"passphrase":"p"}')).toBe('{"passphrase":"***"}');
    expect(redact("gpg --passphrase 'p' -c")).toBe("gpg --passphrase '***' -c");
    expect(redact('ssh://root:p@db1 refused')).toBe('ssh://root:***@db1 refused');
    expect(redact('wrong passphrase (p).\nTry again: p')).toBe('wrong passphrase (***).\nTry again: ***');
    expect(redact('PGPASSWORD=p\tpg_dumpall')).toBe('PGPASSWORD=***\tpg_dumpall');
  });

  it('treats letters of any script and digits as part of a word', () => {
    expect(createRedactor(['ber'])('darüber ber')).toBe('darüber ***');
    expect(createRedactor(['123'])('copied 1234 files, pin 123.')).toBe('copied 1234 files, pin ***.');
  });

  it('needs nothing around an edge of a short secret that is punctuation itself', () => {
    const redact = createRedactor(['p!']);
    expect(redact('(p!) "p!" key=p!, up!')).toBe('(***) "***" key=***, up!');
    expect(createRedactor(['#1'])('a#1 and x#1y')).toBe('a*** and x#1y');
  });

  it('redacts a secret of four characters or more wherever it occurs, even inside a word', () => {
    const redact = createRedactor(['hunter2']);
    expect(redact('xhunter2y and hunter2hunter2')).toBe('x***y and ******');
    // A command line glues the password to its flag.
    expect(redact('mysql -uroot -phunter2 db')).toBe('mysql -uroot -p*** db');
    expect(createRedactor(['pass'])('passphrase=pass')).toBe('***phrase=***');
  });

  it('takes secrets as plain text, not patterns', () => {
    expect(createRedactor(['a.b*'])('a.b* axb* aab')).toBe('*** axb* aab');
    expect(createRedactor(['(pass)[word]+$1'])('x(pass)[word]+$1y passwordd')).toBe('x***y passwordd');
  });

  it('replaces the longest secret first and judges a short one by the text around it, not by stars', () => {
    const redact = createRedactor(['abc', 'abcdefghij']);
    expect(redact('abcdefghij abc abcx')).toBe('*** *** abcx');
    expect(createRedactor(['xy', 'longsecret'])('xylongsecret, xy')).toBe('xy***, ***');
  });

  it('applies the same rules to registered secrets', () => {
    const redact = createRedactor();
    const forget = registerSecret('up');
    try {
      expect(redact('Backing up: 3 files; upload up')).toBe('Backing ***: 3 files; upload ***');
    } finally {
      forget();
    }
    expect(redact('up')).toBe('up');
  });
});
