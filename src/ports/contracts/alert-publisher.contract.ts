import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Alert, AlertPublisher } from "../alert-publisher.js";
import type { Teardown } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface AlertPublisherSubject extends Teardown {
  readonly publisher: AlertPublisher;
  /** Every alert that reached the topic so far, as a subscriber would read it back. */
  published(): Promise<readonly Alert[]>;
}

/**
 * The behaviour every {@link AlertPublisher} must show. `makeSubject` runs before
 * each test and may return the same topic each time: the suite only looks at
 * alerts whose `kind` it made unique to the test.
 */
export function describeAlertPublisherContract(
  adapterName: string,
  makeSubject: () => Promise<AlertPublisherSubject> | AlertPublisherSubject,
): void {
  describe(`AlertPublisher contract: ${adapterName}`, () => {
    let subject: AlertPublisherSubject;
    let kind: string;

    beforeEach(async () => {
      subject = await makeSubject();
      kind = uniqueId("FILE_REJECTED");
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    async function publishedOfThisTest(): Promise<Alert[]> {
      return (await subject.published()).filter((alert) => alert.kind === kind);
    }

    /** Compares what a subscriber sees: absent attributes and empty attributes are the same. */
    function normalised(alert: Alert): Alert {
      return {
        kind: alert.kind,
        severity: alert.severity,
        subject: alert.subject,
        message: alert.message,
        attributes: { ...(alert.attributes ?? {}) },
      };
    }

    it("delivers alerts with kind, severity, subject, message and attributes", async () => {
      const alerts: Alert[] = [
        {
          kind,
          severity: "ERROR",
          subject: "File incoming/orders-2030-01-15.jsonl rejected",
          message: "line 3: items.0.quantity must be at least 1\nline 9: not JSON",
          attributes: { fileKey: "incoming/orders-2030-01-15.jsonl", invalid: "2" },
        },
        { kind, severity: "WARNING", subject: "Order o-1 waits for payment", message: "since 10 minutes" },
      ];

      await subject.publisher.publish(alerts);

      const published = (await publishedOfThisTest()).map(normalised);
      expect(published).toHaveLength(2);
      expect(published).toEqual(expect.arrayContaining(alerts.map(normalised)));
    });

    it("delivers every alert of a batch larger than one service call (12)", async () => {
      const alerts: Alert[] = Array.from({ length: 12 }, (_, i) => ({
        kind,
        severity: "INFO",
        subject: `Alert ${i}`,
        message: `message ${i} — ação`,
        attributes: { n: String(i) },
      }));

      await subject.publisher.publish(alerts);

      const published = (await publishedOfThisTest()).map(normalised);
      expect(published.map((alert) => alert.subject).sort()).toEqual(
        alerts.map((alert) => alert.subject).sort(),
      );
      expect(published).toEqual(expect.arrayContaining(alerts.map(normalised)));
    });

    it("does nothing when asked to publish no alerts", async () => {
      const before = (await subject.published()).length;
      await expect(subject.publisher.publish([])).resolves.toBeUndefined();
      expect((await subject.published()).length).toBe(before);
    });
  });
}
