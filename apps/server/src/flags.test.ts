import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, FlagError, parseFlags, usage } from './flags.js';

describe('parseFlags', () => {
  it('has CoreDNS defaults', () => {
    expect(parseFlags([])).toEqual({
      conf: undefined,
      port: DEFAULT_PORT,
      pidfile: undefined,
      plugins: false,
      quiet: false,
      version: false,
      help: false,
      rest: [],
    });
  });

  it('accepts one or two dashes, "=value" or the next argument', () => {
    const a = parseFlags(['-conf', 'a/Corefile', '--dns.port=1053', '--pidfile', '/tmp/x.pid', '-quiet']);
    expect(a).toMatchObject({ conf: 'a/Corefile', port: 1053, pidfile: '/tmp/x.pid', quiet: true });
    expect(parseFlags(['--conf=b', '-p', '5300'])).toMatchObject({ conf: 'b', port: 5300 });
    expect(parseFlags(['-conf=', '-dns.port', '0'])).toMatchObject({ conf: '', port: 0 });
  });

  it('reads booleans the way Go does and never takes the next argument as their value', () => {
    expect(parseFlags(['-plugins', '-version=true', '--quiet=0'])).toMatchObject({
      plugins: true,
      version: true,
      quiet: false,
    });
    expect(parseFlags(['-quiet', 'false'])).toMatchObject({ quiet: true, rest: ['false'] });
    expect(() => parseFlags(['-quiet=yes'])).toThrow('invalid boolean value "yes" for -quiet');
  });

  it('stops at the first non-flag argument or after --', () => {
    expect(parseFlags(['-quiet', 'extra', '-version'])).toMatchObject({
      quiet: true,
      version: false,
      rest: ['extra', '-version'],
    });
    expect(parseFlags(['--', '-version'])).toMatchObject({ version: false, rest: ['-version'] });
    expect(parseFlags(['-'])).toMatchObject({ rest: ['-'] });
  });

  it('recognises -h and -help', () => {
    expect(parseFlags(['-h']).help).toBe(true);
    expect(parseFlags(['--help']).help).toBe(true);
  });

  it('rejects unknown flags, missing values, bad syntax and bad ports', () => {
    const cases: [string[], string][] = [
      [['-cpu', '50'], 'flag provided but not defined: -cpu'],
      [['-conf'], 'flag needs an argument: -conf'],
      [['---conf', 'x'], 'bad flag syntax: ---conf'],
      [['-=x'], 'bad flag syntax: -=x'],
      [['-dns.port', '65536'], 'invalid value "65536" for flag -dns.port'],
      [['-dns.port=53a'], 'invalid value "53a" for flag -dns.port'],
      [['-p', ''], 'invalid value "" for flag -p'],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseFlags(argv), argv.join(' ')).toThrow(FlagError);
      expect(() => parseFlags(argv), argv.join(' ')).toThrow(message);
    }
  });
});

describe('usage', () => {
  it('lists every flag in the layout of Go flag.PrintDefaults', () => {
    const text = usage('tsdns');
    expect(
      text.startsWith('Usage of tsdns:\n  -conf string\n    \tCorefile to load (default "Corefile")\n'),
    ).toBe(true);
    for (const flag of [
      '-dns.port string',
      '-p string',
      '-pidfile string',
      '-plugins\n',
      '-quiet\n',
      '-version\n',
    ]) {
      expect(text).toContain(`  ${flag}`);
    }
  });
});
