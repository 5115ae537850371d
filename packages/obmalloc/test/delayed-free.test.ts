import { SharedHeap } from '@ft/atomics';
import { miCreate, miThreadExit, miThreadInit, miStats } from '@ft/mimalloc';
import { FreeCallbackRegistry, processDelayed, qsbrAttach, qsbrCreate, qsbrQuiescentState, qsbrRegister, qsbrUnregister } from '@ft/qsbr';
import { describe, expect, it } from 'vitest';
import { AllocatorDomains, freeThreadedAllocators, memFreeDelayed, objectFreeDelayed, pyMemMalloc, pyObjectMalloc, registerDelayedFree } from '../src/index.js';

describe('memFreeDelayed', () => {
  it('frees mem and object blocks only after every online thread passed a quiescent state', () => {
    const heap = SharedHeap.create({ size: 32 << 20 });
    const qsbr = qsbrCreate(heap);
    const mi = miCreate(heap, { checked: true });
    const t = miThreadInit(heap, mi, null);
    const a = freeThreadedAllocators(t);
    const domains = new AllocatorDomains(heap, a.raw, a.mem, a.object);
    const registry = new FreeCallbackRegistry();
    const ids = registerDelayedFree(registry, domains);
    const me = qsbrRegister(heap, qsbr, registry);
    qsbrAttach(me);
    // A reader in the same JS thread: another heap view with its own tid.
    const view = SharedHeap.attach(heap.handle());
    const readerRegistry = new FreeCallbackRegistry();
    registerDelayedFree(readerRegistry, domains);
    const reader = qsbrRegister(view, qsbr, readerRegistry);
    qsbrAttach(reader);

    const before = miStats(t).liveBlocks;
    for (let i = 0; i < 10; i++) memFreeDelayed(me, ids, pyMemMalloc(domains, 64));
    objectFreeDelayed(me, ids, pyObjectMalloc(domains, 64));
    memFreeDelayed(me, ids, 0); // ignored
    qsbrQuiescentState(me);
    processDelayed(me);
    expect(miStats(t).liveBlocks - before).toBe(11); // the reader holds them back
    qsbrQuiescentState(reader);
    // Nine more make twenty delayed frees: the twentieth advances the write
    // sequence (deferred advance, every tenth call), so every goal is reachable.
    for (let i = 0; i < 9; i++) memFreeDelayed(me, ids, pyMemMalloc(domains, 32));
    qsbrQuiescentState(me);
    qsbrQuiescentState(reader);
    processDelayed(me);
    expect(miStats(t).liveBlocks - before).toBe(0);
    qsbrUnregister(reader);
    view.close();
    qsbrUnregister(me);
    miThreadExit(t);
    heap.close();
  });
});
