/**
 * The VM's slot registration as a module (runtime/slots-module.ts): every
 * thread of a runtime running Python registers the interpreter's modules
 * with `registerSlots`, and finds what it registered with
 * {@link registeredModules}.
 */

import type { SlotRegistry } from '@ft/objects';
import type { RegisteredModule } from '../modules/module-def.js';
import { registerInterpreter } from './interpreter.js';

let registered: Map<string, RegisteredModule> | null = null;

/** Registers the interpreter's modules on this thread (once per JavaScript thread). */
export function registerSlots(slots: SlotRegistry): void {
  registered = registerInterpreter(slots);
}

/** What {@link registerSlots} registered on this thread. @throws Error before it ran. */
export function registeredModules(): Map<string, RegisteredModule> {
  if (registered === null) throw new Error('vm/slots: registerSlots has not run on this thread');
  return registered;
}
