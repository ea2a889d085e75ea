import { describe, expect, it } from 'vitest';
import { isAutoPathSource, isExternalSource, isReadiness, isTransferer } from './interfaces.js';

describe('cross-plugin interface guards', () => {
  const external = {
    external: () => ({ rcode: 0, services: [] }),
    externalReverse: () => [],
    externalAddresses: () => [],
    externalServices: () => [],
    externalSerial: () => 1,
  };

  it('recognise an ExternalSource only with all of its methods', () => {
    expect(isExternalSource(external)).toBe(true);
    const { externalSerial: _dropped, ...partial } = external;
    expect(isExternalSource(partial)).toBe(false);
    expect(isExternalSource(undefined)).toBe(false);
    expect(isExternalSource({ ...external, external: 'no' })).toBe(false);
  });

  it('recognise an AutoPathSource by its autoPath method', () => {
    expect(isAutoPathSource({ autoPath: () => undefined })).toBe(true);
    expect(isAutoPathSource({ autoPath: [] })).toBe(false);
    expect(isAutoPathSource(null)).toBe(false);
  });

  it('keep Readiness and Transferer apart from the new interfaces', () => {
    expect(isReadiness(external)).toBe(false);
    expect(isTransferer({ autoPath: () => undefined })).toBe(false);
    expect(isReadiness({ ready: () => true })).toBe(true);
    expect(isTransferer({ transfer: () => undefined })).toBe(true);
  });
});
