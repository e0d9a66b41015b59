// Who is unlocked in this Worker and which record they act on: their own vault, or a relative's record
// they manage (client/core/managed-vaults.ts actingAs). Each vault keeps its own heads (VaultState, with the
// settings' last sequence), loaded from this browser's store the first time it is used and saved after
// every operation. The records' seeds live here only, and are zeroed on log-out.
import type { UnlockedAccount } from '../core/account.ts';
import { ApiClientError } from '../core/api.ts';
import { actingAs, forgetRecordKeys, type ManagedRecord } from '../core/managed-vaults.ts';
import type { PinStore } from '../core/pins.ts';
import type { VaultState } from '../core/vault.ts';
import type { SettingsState } from '../core/vault-settings.ts';
import { indexedDbPinStore, loadState, saveState } from './head-store.ts';

export type OwnerState = VaultState & SettingsState;

export class Session {
  readonly account: UnlockedAccount;
  readonly pins: PinStore;
  private records: ManagedRecord[] = [];
  private selected: string;
  private readonly states = new Map<string, OwnerState>();

  private constructor(account: UnlockedAccount) {
    this.account = account;
    this.pins = indexedDbPinStore(account.accountId);
    this.selected = account.vaultId;
  }

  static async start(account: UnlockedAccount): Promise<Session> {
    const session = new Session(account);
    await session.stateOf(account.vaultId);
    return session;
  }

  /** The records read last (listVaults); the previous ones' seeds are zeroed. A record no longer listed is deselected. */
  setRecords(records: ManagedRecord[]): void {
    forgetRecordKeys(this.records.filter((old) => !records.some((record) => record.identity === old.identity)));
    this.records = records;
    if (!this.isKnown(this.selected)) this.selected = this.account.vaultId;
  }

  addRecord(record: ManagedRecord, state: OwnerState): void {
    this.records = [...this.records, record];
    this.states.set(record.vaultId, state);
  }

  async select(vaultId: string): Promise<void> {
    if (!this.isKnown(vaultId)) throw new ApiClientError('NOT_FOUND', 404);
    await this.stateOf(vaultId);
    this.selected = vaultId;
  }

  /** The account as the owner of `vaultId` (the selected vault by default). */
  owner(vaultId: string = this.selected): UnlockedAccount {
    if (vaultId === this.account.vaultId) return this.account;
    const record = this.records.find((entry) => entry.vaultId === vaultId);
    if (record === undefined) throw new ApiClientError('NOT_FOUND', 404);
    return actingAs(this.account, record);
  }

  /** The heads of `vaultId` (the selected vault by default), from this browser's store on first use. */
  async stateOf(vaultId: string = this.selected): Promise<OwnerState> {
    let state = this.states.get(vaultId);
    if (state === undefined) {
      state = await loadState(this.account.accountId, vaultId);
      this.states.set(vaultId, state);
    }
    return state;
  }

  async save(): Promise<void> {
    for (const [vaultId, state] of this.states) await saveState(this.account.accountId, vaultId, state);
  }

  /** Zeroes every seed held: the account's and the records'. */
  forget(): void {
    for (const value of Object.values(this.account.identity)) if (value instanceof Uint8Array) value.fill(0);
    forgetRecordKeys(this.records);
    this.records = [];
    this.states.clear();
  }

  private isKnown(vaultId: string): boolean {
    return vaultId === this.account.vaultId || this.records.some((record) => record.vaultId === vaultId);
  }
}
