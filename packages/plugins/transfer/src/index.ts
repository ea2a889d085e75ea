import { definePlugin } from '@tsdns/core';
import { parseTransfer } from './setup.js';
import { TransferHandler, TransferNotifiers } from './transfer.js';

export { parseTransfer, type TransferBlock, type TransferSetupContext } from './setup.js';
export { STARTUP_NOTIFY_DELAY_MS, TransferHandler, TransferNotifiers } from './transfer.js';

export default definePlugin({
  name: 'transfer',
  setup(c) {
    const blocks = parseTransfer(c);
    // Every key of the block has its own chain; the NOTIFY side is shared so secondaries hear once.
    const shared = c.shared(`transfer/${c.serverBlockIndex}`, () => new TransferNotifiers(blocks));
    let handler: TransferHandler | undefined;
    c.addHandler((next) => (handler = new TransferHandler(shared, next)));
    c.onStartup(() => handler?.start(c.handlers()));
    c.onShutdown(() => shared.close());
  },
});
