// Parsers of flag values: each refuses a value outside its domain in words commander shows as a
// usage mistake, and carries that domain so the tests can try values just outside it.
import { InvalidArgumentError } from 'commander';

/**
 * What a flag's value may be, kept on its parser: the parser says it when it refuses a value, and
 * the tests try values just outside it for every option that has one.
 */
export type ValueDomain =
  | { readonly kind: 'integer' | 'number'; readonly min: number; readonly max?: number }
  | { readonly kind: 'text' };

export type ValueParser<T> = ((value: string) => T) & { readonly domain: ValueDomain };

const parserOf = <T>(domain: ValueDomain, parse: (value: string) => T): ValueParser<T> =>
  Object.assign(parse, { domain });

// Only plain decimal numbers: Number() alone would take '' and ' ' as 0 and '0x10' as 16.
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

const range = (min: number, max: number | undefined) => (max === undefined ? `>= ${min}` : `from ${min} to ${max}`);

/** Parsers of numbers from `min` to `max` written as `form` allows, `valid` as a number, named `what` when refused. */
const bounded =
  (kind: 'integer' | 'number', form: RegExp, valid: (n: number) => boolean, what: string) =>
  (min: number, max?: number) =>
    parserOf({ kind, min, max }, (value: string) => {
      const n = form.test(value.trim()) ? Number(value) : Number.NaN;
      if (!valid(n) || n < min || (max !== undefined && n > max)) {
        throw new InvalidArgumentError(`must be ${what} ${range(min, max)}`);
      }
      return n;
    });

export const integer = bounded('integer', INTEGER, Number.isSafeInteger, 'an integer');

export const decimal = bounded('number', DECIMAL, Number.isFinite, 'a number');

export const nonEmpty = parserOf({ kind: 'text' }, (value: string) => {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty');
  return value;
});

export const port = integer(0, 65_535);

/** A duration a timer waits: Node fires a longer one at once (about 24.8 days is its longest). */
export const milliseconds = (min: number) => integer(min, 2 ** 31 - 1);
