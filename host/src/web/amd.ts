/**
 * A minimal AMD loader standing in for Grafana's SystemJS + AMD extra: plugin bundles are loaded
 * by URL with a <script> tag, and every name in their define([...]) must be one of the shared
 * modules the host registered. Anything else is an error, as it would be inside Grafana.
 */
type Factory = (...deps: unknown[]) => unknown;

interface Definition {
  deps: string[];
  factory: unknown;
}

export interface AmdDefine {
  (...args: unknown[]): void;
  amd: object;
}

/** Normalises the three define() call shapes AMD allows into deps + factory (ids are ignored, as SystemJS does). */
export function parseDefineArgs(args: unknown[]): Definition {
  const rest = typeof args[0] === 'string' ? args.slice(1) : args;
  if (Array.isArray(rest[0])) {
    return { deps: rest[0].map(String), factory: rest[1] };
  }
  return { deps: ['require', 'exports', 'module'], factory: rest[0] };
}

export class AmdLoader {
  private readonly definitions = new Map<string, Definition>();
  private readonly loaded = new Map<string, Promise<unknown>>();

  constructor(private readonly shared: Readonly<Record<string, unknown>>) {}

  /** Installs window.define; call it only after the host bundle has initialised (see README). */
  install(win: Window & { define?: AmdDefine }): void {
    const define = ((...args: unknown[]) => {
      const script = document.currentScript;
      if (!(script instanceof HTMLScriptElement)) {
        throw new Error('define() called outside a <script> loaded by the host');
      }
      this.definitions.set(script.src, parseDefineArgs(args));
    }) as AmdDefine;
    define.amd = {};
    win.define = define;
  }

  load(url: string): Promise<unknown> {
    const absolute = new URL(url, document.baseURI).href;
    let promise = this.loaded.get(absolute);
    if (!promise) {
      promise = this.fetchScript(absolute).then(() => this.instantiate(absolute));
      this.loaded.set(absolute, promise);
    }
    return promise;
  }

  private fetchScript(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = url;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error(`failed to load ${url}`));
      document.head.appendChild(script);
    });
  }

  private instantiate(url: string): unknown {
    const definition = this.definitions.get(url);
    if (!definition) {
      throw new Error(`${url} did not call define()`);
    }
    const module = { exports: {} as unknown };
    const args = definition.deps.map((name) => {
      if (name === 'exports') {
        return module.exports;
      }
      if (name === 'module') {
        return module;
      }
      if (name === 'require') {
        return (dep: string) => this.shared[dep];
      }
      if (!Object.prototype.hasOwnProperty.call(this.shared, name)) {
        throw new Error(`${url} asks for "${name}", which the host does not provide`);
      }
      return this.shared[name];
    });
    if (typeof definition.factory !== 'function') {
      return definition.factory;
    }
    const returned = (definition.factory as Factory)(...args);
    return returned === undefined ? module.exports : returned;
  }
}
