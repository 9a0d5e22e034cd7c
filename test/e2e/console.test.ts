/**
 * The web console as a person uses it: a real Chromium on the page the local
 * runner serves at `/`, each scenario asserting what the page shows. Every
 * page is watched for console errors and failed requests, checked with
 * axe-core, and photographed under test-results/console/ (the README's
 * picture is the first scenario's order: `UPDATE_SCREENSHOTS=1` writes it to docs/console.png).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConsole } from "../../scripts/build-console.js";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { ScriptedPaymentGateway } from "../../src/adapters/memory/scripted-payment-gateway.js";
import type { ChargeRequest, ChargeResult } from "../../src/domain/ports.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";
import {
  chromiumAvailable,
  launchChromium,
  type Page,
  seriousViolations,
  watchPage,
} from "../support/chromium.js";

const SHOTS = resolve("test-results/console");

// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, field by field
type Json = Record<string, any>;
const WAIT = { timeout: 20_000 };

/** A gateway that can be taken down: while down, every charge fails as a dependency would. */
class SwitchablePaymentGateway extends ScriptedPaymentGateway {
  down = false;
  override async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (this.down) throw new Error("payment gateway unavailable");
    return super.charge(request);
  }
}

const runOrSkip = chromiumAvailable || process.env.CI ? describe : describe.skip;
const title =
  chromiumAvailable || process.env.CI
    ? "web console"
    : "web console (skipped: no Chromium at /usr/bin/chromium)";

runOrSkip(title, () => {
  let consoleDir: string;
  let workflowRunner: LocalRunner<MemoryBackend>;
  let queueRunner: LocalRunner<MemoryBackend>;
  const gateway = new SwitchablePaymentGateway();
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const problems: string[] = [];
  /** The order of the first scenario: the README's picture is its page. */
  let fulfilledOrderId = "";

  beforeAll(async () => {
    const work = await mkdtemp(join(tmpdir(), "orderflow-console-"));
    consoleDir = join(work, "console");
    await buildConsole(consoleDir);
    await mkdir(SHOTS, { recursive: true });
    // The order workflow with a payment delay (modify in time, the store's checks), as `npm start` runs it.
    workflowRunner = await startLocalRunner({
      port: 0,
      inbox: join(work, "inbox-workflow"),
      logger: new InMemoryLogger(),
      consoleDir,
      backend: MemoryBackend.create({ orchestration: "workflow", paymentDelaySeconds: 5 }),
    });
    // The processing queue's consumer: a failing gateway fails its message until it is dead-lettered.
    queueRunner = await startLocalRunner({
      port: 0,
      inbox: join(work, "inbox-queue"),
      logger: new InMemoryLogger(),
      consoleDir,
      backend: MemoryBackend.create({ orchestration: "queue", payments: gateway, maxReceiveCount: 2 }),
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await workflowRunner?.stop();
    await queueRunner?.stop();
  });

  /** A new tab on a view of a runner, watched for problems until the scenario ends. */
  async function open(runner: LocalRunner, hash: string): Promise<Page> {
    const page = await browser.context.newPage();
    const seen = watchPage(page);
    page.on("close", () => problems.push(...seen));
    await page.goto(`${runner.url}/${hash}`);
    return page;
  }

  async function placeFromShop(page: Page, quantity = 2): Promise<string> {
    await page.goto(page.url().replace(/#.*$/, "#/shop"));
    await page.getByLabel("Quantity of CAFE-ESPRESSO-250G").fill(String(quantity));
    await page.getByRole("button", { name: "Place order" }).dblclick();
    await page.waitForURL(/#\/orders\//, WAIT);
    return decodeURIComponent(page.url().split("#/orders/")[1]!);
  }

  const status = (page: Page) => page.locator("main .headline .status");

  it("places an order from the catalog, watches it reach CONFIRMED, fulfils it from the board and sees FULFILLED", async () => {
    const page = await open(workflowRunner, "#/shop");
    await expect(page.getByRole("heading", { name: "Catalog" }).isVisible()).resolves.toBe(true);
    const orderId = await placeFromShop(page);
    fulfilledOrderId = orderId;
    await page.getByText("CONFIRMED", { exact: true }).first().waitFor(WAIT);
    await expect(status(page).textContent()).resolves.toBe("CONFIRMED");
    // The double click placed one order: the key was the same.
    const listing = await fetch(`${workflowRunner.url}/_local/orders?status=CONFIRMED&limit=100`);
    const confirmed = (await listing.json()) as Json;
    expect(confirmed.orders.filter((o: { customerId: string }) => o.customerId === "c-demo")).toHaveLength(1);
    await expect(page.locator(".timeline").textContent()).resolves.toContain("OrderConfirmed");

    await page.goto(`${workflowRunner.url}/#/board`);
    const fulfil = page.getByRole("button", { name: `Fulfil ${orderId}` });
    await fulfil.click();
    await page.locator('section[aria-label="FULFILLED"]').getByText(orderId).waitFor(WAIT);
    await page.goto(`${workflowRunner.url}/#/orders/${orderId}`);
    await page.locator("main .headline .status", { hasText: "FULFILLED" }).waitFor(WAIT);
    await expect(page.locator(".timeline").textContent()).resolves.toContain("OrderFulfilled");
    await page.close();
  });

  it("modifies an order during the payment delay, shows a modification after payment refused, cancels it and shows the refund", async () => {
    const page = await open(workflowRunner, "#/shop");
    const orderId = await placeFromShop(page, 1);
    await page.getByLabel("New quantity of CAFE-ESPRESSO-250G").fill("3");
    await page.getByRole("button", { name: "Modify order" }).click();
    await page.getByRole("cell", { name: "3", exact: true }).waitFor(WAIT);
    await page.locator("main .headline .status", { hasText: "CONFIRMED" }).waitFor(WAIT);
    const order = (await (await fetch(`${workflowRunner.url}/orders/${orderId}`)).json()) as Json;
    expect(order.items[0].quantity).toBe(3);

    // Payment has started: a modification now is refused, and the page says so and why.
    await page.getByLabel("New quantity of CAFE-ESPRESSO-250G").fill("4");
    await page.getByRole("button", { name: "Modify order" }).click();
    await page
      .getByTestId("refused")
      .getByText(/Your modify request was refused/)
      .waitFor(WAIT);
    await page.getByRole("button", { name: "Cancel order" }).click();
    await page.locator("main .headline .status", { hasText: "CANCELLED" }).waitFor(WAIT);
    const refund = page.getByTestId("refund");
    await refund.waitFor(WAIT);
    await expect(refund.textContent()).resolves.toMatch(/Refund .*104[.,]70/);
    await page.close();
  });

  it("closes the store, shows an order rejected for it with the reason, and reopens", async () => {
    const page = await open(workflowRunner, "#/board");
    await page.getByRole("button", { name: "Close the store" }).click();
    await page.getByTestId("store-state").getByText("closed").waitFor(WAIT);
    await placeFromShop(page, 1);
    await page.locator("main .headline .status", { hasText: "REJECTED" }).waitFor(WAIT);
    await expect(page.getByTestId("reasons").textContent()).resolves.toContain("STORE_CLOSED");
    await page.goto(`${workflowRunner.url}/#/board`);
    await page.getByRole("button", { name: "Open the store" }).click();
    await page.getByTestId("store-state").getByText("open").waitFor(WAIT);
    await page.close();
  });

  it("uploads a JSON Lines file with one bad line and shows its history, the line's error and its orders", async () => {
    const folder = await mkdtemp(join(tmpdir(), "orderflow-upload-"));
    const file = join(folder, "morning.jsonl");
    const line = (orderId: string) =>
      JSON.stringify({
        orderId,
        customerId: "c-file",
        currency: "BRL",
        items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
        shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
      });
    await writeFile(file, `${line("file-a")}\n{"customerId": "c-file", "items": []}\n${line("file-b")}\n`);
    const page = await open(workflowRunner, "#/files");
    await page.getByLabel("JSON or JSON Lines file").setInputFiles(file);
    await page.getByRole("button", { name: "Upload" }).click();
    const record = page.getByTestId("file-record").filter({ hasText: "morning.jsonl" });
    await record.getByText("3 orders: 2 valid, 1 invalid").waitFor(WAIT);
    await expect(record.locator(".errors").textContent()).resolves.toContain("order 1:");
    await record.getByRole("button", { name: /Orders of/ }).click();
    await record.getByRole("link", { name: "file-a" }).waitFor(WAIT);
    await record.getByRole("link", { name: "file-b" }).waitFor(WAIT);
    await page.close();
    await rm(folder, { recursive: true, force: true });
  });

  it("shows a message dead-lettered by a failing payment gateway, redrives it, and the order completes", async () => {
    gateway.down = true;
    const page = await open(queueRunner, "#/shop");
    const orderId = await placeFromShop(page, 1);
    await page.goto(`${queueRunner.url}/#/dlqs`);
    const row = page.getByTestId("dlq-orderflow-processing-dlq");
    await row.getByRole("cell", { name: "1", exact: true }).waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Peek orderflow-processing-dlq", exact: true }).click();
    await page.locator("pre", { hasText: orderId }).waitFor(WAIT);
    gateway.down = false;
    await page.getByRole("button", { name: "Redrive orderflow-processing-dlq", exact: true }).click();
    await page
      .getByRole("status")
      .getByText(/1 message\(s\) moved back/)
      .waitFor(WAIT);
    await page.goto(`${queueRunner.url}/#/orders/${orderId}`);
    await page.locator("main .headline .status", { hasText: "CONFIRMED" }).waitFor(WAIT);
    await page.close();
  });

  it("shows every view with no console error, no failed request and no serious accessibility violation, at 360 px and on a desktop", async () => {
    const order = `orders/${fulfilledOrderId}`;
    const views = ["shop", "orders", order, "board", "files", "dlqs", "alerts", "notifications", "metrics"];
    const found: string[] = [];
    for (const [width, height] of [
      [1280, 900],
      [360, 780],
    ] as const) {
      const page = await open(workflowRunner, "#/shop");
      await page.setViewportSize({ width, height });
      for (const view of views) {
        await page.goto(`${workflowRunner.url}/#/${view}`);
        await page.locator("main .panel").first().waitFor(WAIT);
        await page.waitForLoadState("networkidle").catch(() => undefined);
        const name = view === order ? "order" : view;
        await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
        found.push(...(await seriousViolations(page)).map((v) => `${view} at ${width} px: ${v}`));
        const overflow = await page.evaluate<number>(
          "document.documentElement.scrollWidth - window.innerWidth",
        );
        if (overflow > 0) found.push(`${view} at ${width} px: ${overflow} px wider than the window`);
      }
      await page.close();
    }
    if (process.env.UPDATE_SCREENSHOTS)
      await copyFile(join(SHOTS, "order-1280.png"), resolve("docs/console.png"));
    expect(found).toEqual([]);
    expect(problems).toEqual([]);
  });

  it("reaches every control of the shop and the board with the keyboard alone", async () => {
    const page = await open(workflowRunner, "#/shop");
    for (const view of ["shop", "board"]) {
      // A fresh load, so that Tab starts from the top of the page.
      await page.goto(`${workflowRunner.url}/#/${view}`);
      await page.reload();
      await page.locator("main .panel").first().waitFor(WAIT);
      await page.waitForLoadState("networkidle").catch(() => undefined);
      // Every enabled control gets a mark; Tab must land on each of them.
      const controls = await page.evaluate<number>(
        `[...document.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]), select")]
           .map((element, index) => element.setAttribute("data-control", String(index))).length`,
      );
      const reached = new Set<string>();
      for (let press = 0; press < controls + 5; press++) {
        await page.keyboard.press("Tab");
        reached.add(
          await page.evaluate<string>(`document.activeElement?.getAttribute("data-control") ?? ""`),
        );
      }
      reached.delete("");
      expect(reached.size, `${view}: controls reached by Tab`).toBe(controls);
    }
    await page.close();
  });
});
