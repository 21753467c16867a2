import { describeEffectHandlerRegistry } from '../src/conformance.js';
import { MemoryEffectHandlerRegistry } from '../src/memory.js';

describeEffectHandlerRegistry('memory', async () => ({ provider: new MemoryEffectHandlerRegistry() }));
