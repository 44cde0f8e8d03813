// A build context of text files for the rules' tests, and the reader of their text.
import type { FsTree } from '../../src/model/types.js';

/** Each file (its folders made on the way) root's, 0644; folders 0755. */
export function textContext(files: Record<string, string>): { context: FsTree; readContextText: (p: string) => string | undefined } {
  const tree: FsTree = new Map([['/', { kind: 'dir', uid: 0, gid: 0, mode: 0o755 }]]);
  for (const name of Object.keys(files)) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) tree.set(`/${parts.slice(0, i).join('/')}`, { kind: 'dir', uid: 0, gid: 0, mode: 0o755 });
    tree.set(`/${name}`, { kind: 'file', uid: 0, gid: 0, mode: 0o644 });
  }
  return { context: tree, readContextText: (p) => files[p.replace(/^\//, '')] };
}
