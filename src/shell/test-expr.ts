// test, [ and [[ over words already expanded: the expression grammar of XCU test (with bash's
// [[ ]] pattern matching), decided where it can be. What a file test says is the caller's: the
// RUN interpreter asks the image's tree, a run file on the host has no files to ask.
import { globMatch } from './words.js';

/** 0 true, 1 false, or not known. */
export type Tri = 0 | 1 | 'unknown';

const UNARY = new Set([
  '-e', '-f', '-d', '-L', '-h', '-r', '-w', '-x', '-s', '-u', '-g', '-k', '-O', '-G', '-S', '-b',
  '-c', '-p', '-t', '-z', '-n',
]);
const BINARY = new Set([
  '=', '==', '!=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef', '<', '>',
]);

/** The expression a (without the [ ] around it); pattern: [[ ]]'s = and != match a glob. */
export function testExpression(a: string[], pattern: boolean, fileTest: (op: string, operand: string) => Tri): Tri {
  // -o binds looser than -a (XCU test, obsolescent but common in Dockerfiles).
  const or = a.indexOf('-o') > 0 ? a.indexOf('-o') : a.indexOf('||');
  const sides = (k: number): [Tri, Tri] => [
    testExpression(a.slice(0, k), pattern, fileTest),
    testExpression(a.slice(k + 1), pattern, fileTest),
  ];
  if (or > 0 && a.length > 3) return triOr(...sides(or));
  const and = a.indexOf('-a') > 0 ? a.indexOf('-a') : a.indexOf('&&');
  if (and > 0 && a.length > 3) return triAnd(...sides(and));

  if (a.length === 0) return 1;
  if (a[0] === '!' && a.length > 1) return triNot(testExpression(a.slice(1), pattern, fileTest));
  if (a[0] === '(' && a[a.length - 1] === ')') return testExpression(a.slice(1, -1), pattern, fileTest);
  if (a.length === 1) return a[0] !== '' ? 0 : 1;
  if (a.length === 2) {
    const [op, x] = a;
    if (op === '-z') return x === '' ? 0 : 1;
    if (op === '-n') return x !== '' ? 0 : 1;
    if (UNARY.has(op)) return fileTest(op, x);
    return 'unknown';
  }
  if (a.length === 3 && BINARY.has(a[1])) {
    const [x, op, y] = a;
    const num = (s: string) => (/^\s*-?\d+\s*$/.test(s) ? Number(s) : NaN);
    switch (op) {
      case '=':
      case '==':
        return (pattern ? globMatch(y, x) : x === y) ? 0 : 1;
      case '!=':
        return (pattern ? globMatch(y, x) : x === y) ? 1 : 0;
      case '-eq': case '-ne': case '-lt': case '-le': case '-gt': case '-ge': {
        const [p, q] = [num(x), num(y)];
        if (Number.isNaN(p) || Number.isNaN(q)) return 'unknown';
        const r = {
          '-eq': p === q, '-ne': p !== q, '-lt': p < q, '-le': p <= q, '-gt': p > q, '-ge': p >= q,
        }[op];
        return r ? 0 : 1;
      }
      default:
        return 'unknown';
    }
  }

  return 'unknown';
}

function triNot(t: Tri): Tri {
  return t === 'unknown' ? t : t === 0 ? 1 : 0;
}

function triAnd(x: Tri, y: Tri): Tri {
  if (x === 1 || y === 1) return 1;
  return x === 0 && y === 0 ? 0 : 'unknown';
}

function triOr(x: Tri, y: Tri): Tri {
  if (x === 0 || y === 0) return 0;
  return x === 1 && y === 1 ? 1 : 'unknown';
}
