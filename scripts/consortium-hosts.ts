/**
 * The consortium founded across hosts (scripts/hosts.ts), each operator acting on its own host in
 * the order docs/deployment.md gives: only public definitions, the founder's channel files and,
 * to the organisations that hold them, the two consortium secrets travel between the hosts.
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  FOUNDING_ORGANIZATIONS,
  ORDERER_ORGANIZATION,
  type FoundingOrganization,
} from '#network/topology';
import type { Host, Hosts } from './hosts';

export function hostOf(hosts: Hosts, mspId: string): Host {
  const found = hosts.byMsp[mspId];
  if (found === undefined) {
    throw new Error(`no host for ${mspId}`);
  }
  return found;
}

/** Where an organisation's exported public definition is handed over. */
export function definitionFolder(hosts: Hosts, mspId: string): string {
  return join(hosts.courier, 'definitions', mspId);
}

/** The founder's channel files (genesis block, checkpoint origin and verifier key): public. */
export function channelFolder(hosts: Hosts): string {
  return join(hosts.courier, 'channel');
}

export async function foundConsortium(hosts: Hosts): Promise<void> {
  const founding = [ORDERER_ORGANIZATION, ...FOUNDING_ORGANIZATIONS].map((mspId) =>
    hostOf(hosts, mspId),
  );
  await Promise.all(
    founding.map((each) => hosts.network(each, 'host', 'init', each.mspId, '--host', each.address)),
  );
  for (const each of founding) {
    await hosts.network(each, 'host', 'export', each.mspId, definitionFolder(hosts, each.mspId));
  }
  for (const each of founding) {
    for (const other of founding.filter((candidate) => candidate !== each)) {
      await hosts.network(each, 'host', 'import', definitionFolder(hosts, other.mspId));
    }
  }
  const channel = channelFolder(hosts);
  const secrets = join(hosts.courier, 'secrets');
  const regulator = hostOf(hosts, 'RegulatorOrg');
  await hosts.network(regulator, 'host', 'found', 'RegulatorOrg', channel, secrets);
  // The founder hands the checkpoint log key to every peer organisation, and the pseudonym key
  // to the credit authority alone (the regulator, founding, kept its own).
  const handed = async (mspId: string, withPseudonymKey: boolean) => {
    const folder = join(hosts.courier, `secrets-for-${mspId}`);
    await mkdir(join(folder, 'checkpoints'), { recursive: true });
    await cp(join(secrets, 'checkpoints/log.key'), join(folder, 'checkpoints/log.key'));
    if (withPseudonymKey) {
      await cp(join(secrets, 'pseudonym.key'), join(folder, 'pseudonym.key'));
    }
    return folder;
  };
  const secretsFor: Record<FoundingOrganization, string> = {
    SandboxOrg: await handed('SandboxOrg', false),
    CreditOrg: await handed('CreditOrg', true),
    RegulatorOrg: secrets,
  };
  await hosts.network(
    hostOf(hosts, ORDERER_ORGANIZATION),
    'host',
    'join',
    ORDERER_ORGANIZATION,
    channel,
  );
  await Promise.all(
    FOUNDING_ORGANIZATIONS.map((mspId) =>
      hosts.network(hostOf(hosts, mspId), 'host', 'join', mspId, channel, secretsFor[mspId]),
    ),
  );
  await hosts.network(regulator, 'host', 'commit', 'RegulatorOrg');
  await Promise.all(
    FOUNDING_ORGANIZATIONS.map((mspId) =>
      hosts.network(hostOf(hosts, mspId), 'host', 'finish', mspId),
    ),
  );
}
