// What a BTCPay backup leaves out, checked on the paths a real BTCPay host has: the same as
// btcpay-backup.sh's tar --exclude list (so an archive restores the same way with BTCPay's
// own script), and nothing more, so no data the operator needs goes missing.
import { describe, expect, it } from 'vitest';
import { BTCPAY_EXCLUDES, LIGHTNING_STATE, excludeSet, literalExcludesOf, volumeExcluded } from '../../../../plugins/btcpay/src/excludes.js';

const V = 'volumes';

describe('btcpay excludeSet', () => {
  const set = excludeSet('generated', {});

  it('leaves out what btcpay-backup.sh leaves out', () => {
    for (const path of [
      `${V}/backup_datadir`,
      `${V}/backup_datadir/_data/backup.tar.gz.gpg`,
      `${V}/generated_bitcoin_datadir/_data`,
      `${V}/generated_bitcoin_datadir/_data/blocks/blk00000.dat`,
      `${V}/generated_bitcoin_datadir/_data/wallet.dat`,
      `${V}/generated_litecoin_datadir/_data/chainstate/000001.ldb`,
      `${V}/generated_elements_datadir/_data/liquidv1/blocks`,
      `${V}/generated_xmr_data/_data/lmdb/data.mdb`,
      `${V}/generated_dash_datadir/_data/blocks/blk00000.dat`,
      `${V}/generated_dash_datadir/_data/chainstate`,
      `${V}/generated_dash_datadir/_data/indexes/txindex/1.ldb`,
      `${V}/generated_dash_datadir/_data/debug.log`,
      `${V}/generated_dogecoin_datadir/_data/blocks/blk00000.dat`,
      `${V}/generated_dogecoin_datadir/_data/chainstate`,
      `${V}/generated_postgres_datadir`,
      `${V}/generated_postgres_datadir/_data/base/16384/1259`,
      `${V}/generated_mariadb_datadir/_data/ibdata1`,
      `${V}/generated_electrumx_datadir/_data/hist/000001`,
      `${V}/generated_lnd_bitcoin_datadir/_data/data/graph`,
      `${V}/generated_lnd_bitcoin_datadir/_data/data/graph/mainnet/channel.db`,
      `${V}/generated_clightning_bitcoin_datadir/_data/lightning-rpc`,
      `${V}/generated_btcpay_datadir/_data/host_id_rsa`,
      `${V}/generated_btcpay_datadir/_data/host_id_rsa.pub`,
      `${V}/generated_btcpay_datadir/_data/host_authorized_keys`,
    ]) {
      expect(set.excludes(path), path).toBe(true);
    }
  });

  it('leaves out what is inside a logs folder at any depth, but keeps the logs folder itself', () => {
    for (const path of [
      `${V}/generated_btcpay_datadir/_data/logs/btcpay.log`,
      `${V}/generated_lnd_bitcoin_datadir/_data/logs/bitcoin`,
      `${V}/generated_lnd_bitcoin_datadir/_data/logs/bitcoin/mainnet/lnd.log`,
      `${V}/generated_nbxplorer_datadir/_data/Main/logs/nbxplorer.log`,
      'logs/top.log',
    ]) {
      expect(set.excludes(path), path).toBe(true);
    }
    for (const path of [`${V}/generated_btcpay_datadir/_data/logs`, `${V}/generated_lnd_bitcoin_datadir/_data/logs`, `${V}/generated_nbxplorer_datadir/_data/Main/logs`]) {
      expect(set.excludes(path), path).toBe(false);
      expect(set.matches(path), path).toBe(false);
    }
    // Only a folder named exactly logs.
    expect(set.excludes(`${V}/generated_btcpay_datadir/_data/mylogs/a.log`)).toBe(false);
    expect(set.excludes(`${V}/generated_btcpay_datadir/_data/logs.txt`)).toBe(false);
    expect(set.excludes(`${V}/generated_btcpay_datadir/_data/catalogs/a`)).toBe(false);
  });

  it('keeps everything else a BTCPay host needs back', () => {
    for (const path of [
      `${V}/generated_btcpay_datadir`,
      `${V}/generated_btcpay_datadir/_data`,
      `${V}/generated_btcpay_datadir/_data/Main/settings.config`,
      `${V}/generated_btcpay_datadir/_data/Plugins/BTCPayServer.Plugins.Foo.dll`,
      `${V}/generated_btcpay_datadir/_data/.aspnet/DataProtection-Keys/key-1.xml`,
      `${V}/generated_btcpay_datadir/_data/hosts`,
      `${V}/generated_btcpay_datadir/_data/my_host_id`,
      `${V}/generated_btcpay_datadir/_data/Main/host_id_rsa`,
      `${V}/generated_nbxplorer_datadir/_data/Main/settings.config`,
      `${V}/generated_lnd_bitcoin_datadir/_data/data/chain/bitcoin/mainnet/wallet.db`,
      `${V}/generated_lnd_bitcoin_datadir/_data/data/chain/bitcoin/mainnet/channel.backup`,
      `${V}/generated_lnd_bitcoin_datadir/_data/data/graphs`,
      `${V}/generated_lnd_bitcoin_datadir/_data/tls.cert`,
      `${V}/generated_clightning_bitcoin_datadir/_data/bitcoin/lightningd.sqlite3`,
      `${V}/generated_clightning_bitcoin_datadir/_data/lightning-rpc.bak`,
      `${V}/generated_bitcoin_datadir`,
      `${V}/generated_bitcoin_wallet_datadir/_data/wallets/hot/wallet.dat`,
      `${V}/generated_dash_datadir/_data/wallet.dat`,
      `${V}/generated_dash_datadir/_data/dash.conf`,
      `${V}/generated_dogecoin_datadir/_data/wallet.dat`,
      `${V}/generated_postgres_datadir_old/_data/x`,
      `${V}/generated_tor_servicesdir/_data/BTCPayServer/hs_ed25519_secret_key`,
      `${V}/generated_nginx_certs/_data/example.com.key`,
      `${V}/backup_datadir_notes`,
      'postgres.sql.gz',
      'mariadb.sql.gz',
    ]) {
      expect(set.excludes(path), path).toBe(false);
    }
  });

  it('fills in the compose project: another project\'s names are kept, this one\'s left out', () => {
    const other = excludeSet('shop', {});
    expect(other.excludes(`${V}/shop_bitcoin_datadir/_data/blocks/blk00000.dat`)).toBe(true);
    expect(other.excludes(`${V}/shop_btcpay_datadir/_data/host_id_rsa`)).toBe(true);
    expect(other.excludes(`${V}/shop_postgres_datadir/_data/PG_VERSION`)).toBe(true);
    expect(other.excludes(`${V}/generated_bitcoin_datadir/_data/blocks/blk00000.dat`)).toBe(false);
    expect(other.patterns.some((p) => p.includes('{project}'))).toBe(false);
    expect(other.patterns).toContain('volumes/shop_lnd_bitcoin_datadir/_data/data/graph');
  });

  it('keeps the lnd graph (channel state) only when asked to', () => {
    const withState = excludeSet('generated', { includeLightningState: true });
    expect(withState.excludes(`${V}/generated_lnd_bitcoin_datadir/_data/data/graph/mainnet/channel.db`)).toBe(false);
    expect(withState.excludes(`${V}/generated_bitcoin_datadir/_data/blocks`)).toBe(true);
    expect(withState.patterns).toHaveLength(BTCPAY_EXCLUDES.length);
    expect(set.patterns).toHaveLength(BTCPAY_EXCLUDES.length + LIGHTNING_STATE.length);
  });

  it('adds the target\'s extra patterns, globs included', () => {
    const extra = excludeSet('generated', { extra: ['volumes/generated_btcpay_datadir/_data/Plugins', '**/*.tmp', 'volumes/*_cache'] });
    expect(extra.excludes(`${V}/generated_btcpay_datadir/_data/Plugins/a.dll`)).toBe(true);
    expect(extra.excludes(`${V}/generated_nbxplorer_datadir/_data/Main/x.tmp`)).toBe(true);
    expect(extra.excludes(`${V}/generated_fulcrum_cache`)).toBe(true);
    expect(extra.excludes(`${V}/generated_btcpay_datadir/_data/Main/settings.config`)).toBe(false);
    expect(extra.patterns.slice(-3)).toEqual(['volumes/generated_btcpay_datadir/_data/Plugins', '**/*.tmp', 'volumes/*_cache']);
  });

  it('tells a matched path from one only inside a matched folder', () => {
    expect(set.matches(`${V}/generated_bitcoin_datadir/_data`)).toBe(true);
    expect(set.matches(`${V}/generated_bitcoin_datadir/_data/blocks`)).toBe(false);
    expect(set.excludes(`${V}/generated_bitcoin_datadir/_data/blocks`)).toBe(true);
    expect(set.matches(`${V}/generated_lnd_bitcoin_datadir/_data/logs/bitcoin`)).toBe(true);
    expect(set.matches(`${V}/generated_lnd_bitcoin_datadir/_data/logs/bitcoin/mainnet`)).toBe(false);
  });
});

describe('btcpay literalExcludesOf', () => {
  const patterns = excludeSet('generated', { extra: ['./volumes/generated_nbxplorer_datadir/_data/Main/cache/', 'volumes/generated_nbxplorer_datadir/_data/*.tmp'] }).patterns;

  it('gives the volume\'s glob-free patterns relative to its folder', () => {
    expect(literalExcludesOf('generated_bitcoin_datadir', patterns)).toEqual(['_data']);
    expect(literalExcludesOf('generated_lnd_bitcoin_datadir', patterns)).toEqual(['_data/data/graph']);
    expect(literalExcludesOf('generated_clightning_bitcoin_datadir', patterns)).toEqual(['_data/lightning-rpc']);
    expect(literalExcludesOf('generated_dash_datadir', patterns).sort()).toEqual(['_data/blocks', '_data/chainstate', '_data/debug.log', '_data/evodb', '_data/indexes']);
    // Leading ./ and trailing / of a target's pattern do not matter; globs are left to the archive step.
    expect(literalExcludesOf('generated_nbxplorer_datadir', patterns)).toEqual(['_data/Main/cache']);
    // host_* is a glob: applied when the copy is archived, not by the copy.
    expect(literalExcludesOf('generated_btcpay_datadir', patterns)).toEqual([]);
  });

  it('does not confuse volumes whose names start alike, and drops a whole-volume pattern', () => {
    expect(literalExcludesOf('generated_bitcoin', patterns)).toEqual([]);
    expect(literalExcludesOf('generated_bitcoin_datadir_old', patterns)).toEqual([]);
    expect(literalExcludesOf('generated_postgres_datadir', patterns)).toEqual([]);
  });
});

describe('btcpay volumeExcluded', () => {
  const set = excludeSet('generated', { extra: ['volumes/generated_fulcrum_datadir/_data'] });

  it('is true for volumes whose folder or whole _data is left out', () => {
    for (const v of ['backup_datadir', 'generated_bitcoin_datadir', 'generated_postgres_datadir', 'generated_mariadb_datadir', 'generated_electrumx_datadir', 'generated_xmr_data', 'generated_fulcrum_datadir']) {
      expect(volumeExcluded(v, set), v).toBe(true);
    }
  });

  it('is false for volumes with anything left to back up', () => {
    for (const v of ['generated_btcpay_datadir', 'generated_nbxplorer_datadir', 'generated_lnd_bitcoin_datadir', 'generated_dash_datadir', 'generated_dogecoin_datadir', 'generated_clightning_bitcoin_datadir', 'generated_tor_servicesdir', 'generated_bitcoin_wallet_datadir']) {
      expect(volumeExcluded(v, set), v).toBe(false);
    }
  });
});
