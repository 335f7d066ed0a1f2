/** What operators must read before backing up or restoring a BTCPay host with Lightning. */
import type { BtcpayStack } from './find-stack.js';

export const LIGHTNING_WARNING =
  'This BTCPay Server runs a Lightning node. Old Lightning channel state is toxic: if it is ever published (by you or by anyone with this archive), the channel partner can take ALL the funds in those channels. A backup is for moving the node to a new server, not for disaster recovery; keep static channel backups (channel.backup) for that.';

export function lightningNames(stack: BtcpayStack): string[] {
  return stack.lightning.map((c) => c.name);
}
