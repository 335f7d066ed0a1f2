/**
 * `lifeboat serve`: the built window over HTTP and the IPC contract over a WebSocket, for
 * hosts with no display. Every request carries a random token; Host and Origin are checked so
 * neither another site nor a rebound DNS name can reach the handlers.
 */
export * from './start-server.js';
export * from './served-service.js';
