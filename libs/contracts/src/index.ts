export * from './common.js';
export * from './auth.js';
export * from './device.js';
export * from './dashboard.js';
