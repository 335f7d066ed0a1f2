/**
 * The MongoDB tool command lines of a restore. The password is never on them: it is in a
 * 0600 YAML file named by `--config`, which the tools read (mongodump/mongorestore 4.2+).
 */
import { q } from './host-shell.js';

export interface MongoLogin {
  readonly tag: string;
  readonly port: number;
  /** The 0600 file holding `password: ...`. */
  readonly configFile: string;
}

function common(login: MongoLogin): string {
  return `--ssl --sslAllowInvalidCertificates --authenticationDatabase admin --host ${q(`127.0.0.1:${login.port}`)} --username ${q(login.tag)} --config ${q(login.configFile)}`;
}

/** Loads the dump, dropping each collection first; the logs database is left out, as Juju does. */
export function mongorestoreCommand(tool: string, login: MongoLogin, dumpDir: string): string {
  return `${q(tool)} ${common(login)} --drop --oplogReplay --nsExclude ${q('logs.*')} ${q(dumpDir)}`;
}

/** Makes the replica set one member, the new controller, as Juju's restore does. */
export function replicaSetCommand(tool: string, login: MongoLogin, member: string): string {
  const js = `var c = rs.conf(); c.members = [{ _id: 1, host: ${JSON.stringify(member)} }]; rs.reconfig(c, { force: true })`;
  return `${q(tool)} ${common(login)} admin --eval ${q(js)}`;
}
