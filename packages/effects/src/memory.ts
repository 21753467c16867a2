import { EffectsFront } from './front.js';

/**
 * Effect handlers registered in this process by code (`register`): the registry a runtime starts with.
 * Nothing is stored: handlers are functions, and the registry lives as long as the object.
 */
export class MemoryEffectHandlerRegistry extends EffectsFront {
  constructor() {
    super({ registry: 'MemoryEffectHandlerRegistry' });
  }
}
