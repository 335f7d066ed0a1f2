/**
 * SSH transport: connect through jump hosts with host keys checked against known_hosts and
 * ~/.ssh/config honoured, then run commands, move files over SFTP, stream folders as tar and
 * forward to remote Unix sockets, all over one ssh2 connection.
 */
export * from './ssh-connection.js';
export * from './ssh-target.js';
export * from './ssh-config.js';
export * from './known-hosts.js';
export { matchPattern, matchPatternList } from './host-pattern.js';
export { shellQuote } from './ssh-exec.js';
