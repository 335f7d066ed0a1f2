export * from './archive.js';
export * from './job.js';
export * from './manifest.js';
export * from './plugin.js';
export * from './progress.js';
export * from './target.js';
