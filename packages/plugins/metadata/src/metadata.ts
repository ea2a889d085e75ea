import {
  isMetadataProvider,
  matchZone,
  nextOrFailure,
  type Handler,
  type MetadataProvider,
  type Request,
  type ResponseWriter,
} from '@tsdns/core';

/**
 * The metadata collector (CoreDNS's metadata plugin, chapter 7): before a query under its
 * zones goes down the chain, every provider in the chain registers its metadata on the
 * Request. Providers register functions; a value is computed only when a consumer (log's
 * `{/plugin/key}`, rewrite, trace) asks for it, and at most once per query.
 */
export class MetadataCollector implements Handler {
  readonly name = 'metadata';
  /** The chain's providers, found once the chain is built (see `collectProviders`). */
  providers: readonly MetadataProvider[] = [];

  constructor(
    readonly zones: readonly string[],
    private readonly next: Handler | undefined,
  ) {}

  /** Finds the providers among the chain's handlers (called on startup, when it is built). */
  collectProviders(handlers: readonly Handler[]): void {
    this.providers = handlers.filter(
      (h): h is Handler & MetadataProvider => h !== this && isMetadataProvider(h),
    );
  }

  serveDNS(req: Request, w: ResponseWriter): number | Promise<number> {
    const providers = this.providers;
    if (providers.length > 0 && matchZone(this.zones, req.name) !== undefined) {
      for (let i = 0; i < providers.length; i++) providers[i].metadata(req);
    }
    return nextOrFailure(this.name, this.next, req, w);
  }
}
