// The command registry: every family of handlers merged into one table, keyed by the command's
// base name (/usr/sbin/useradd and useradd find the same handler).

import type { CommandHandler } from '../context.js';
import { handlers as accounts } from './accounts.js';
import { handlers as admin } from './admin.js';
import { handlers as builtins } from './builtins.js';
import { handlers as files } from './files.js';
import { handlers as packages } from './packages.js';
import { readers } from './readers.js';

/** A fresh table each call, so a caller may add or replace handlers without side effects. */
export function defaultRegistry(): Record<string, CommandHandler> {
  return { ...builtins, ...files, ...accounts, ...packages, ...admin, ...readers };
}
