import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_STORE_SETTINGS } from "../../domain/store-settings.js";
import type { StoreSettingsRepository } from "../store-settings-repository.js";
import type { Teardown } from "./helpers.js";

export interface StoreSettingsSubject extends Teardown {
  readonly settings: StoreSettingsRepository;
}

/**
 * The behaviour every {@link StoreSettingsRepository} must show. `makeSubject`
 * runs before each test and must return settings nobody has written (a fresh
 * table or item).
 */
export function describeStoreSettingsContract(
  adapterName: string,
  makeSubject: () => Promise<StoreSettingsSubject> | StoreSettingsSubject,
): void {
  describe(`StoreSettingsRepository contract: ${adapterName}`, () => {
    let subject: StoreSettingsSubject;

    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    it("answers the defaults until something is set", async () => {
      expect(await subject.settings.get()).toEqual(DEFAULT_STORE_SETTINGS);
    });

    it("sets only the fields a change names, and answers the settings after it", async () => {
      expect(await subject.settings.update({ open: false })).toEqual({
        ...DEFAULT_STORE_SETTINGS,
        open: false,
      });
      expect(await subject.settings.update({ capacity: 3 })).toEqual({ open: false, capacity: 3 });
      expect(await subject.settings.get()).toEqual({ open: false, capacity: 3 });
      expect(await subject.settings.update({ open: true, capacity: 0 })).toEqual({ open: true, capacity: 0 });
    });

    it("keeps both of two concurrent changes of different fields", async () => {
      await Promise.all([subject.settings.update({ open: false }), subject.settings.update({ capacity: 7 })]);
      expect(await subject.settings.get()).toEqual({ open: false, capacity: 7 });
    });
  });
}
