declare const __LIFEBOAT_VERSION__: string | undefined;

/** Lifeboat's version, injected by the build; `0.0.0-dev` when run from source (tests). */
export const LIFEBOAT_VERSION: string = typeof __LIFEBOAT_VERSION__ === 'string' ? __LIFEBOAT_VERSION__ : '0.0.0-dev';
