// Page helpers shared by the dashboard specs.
import { expect, type Page, type TestInfo } from "@playwright/test";

/** Opens the dashboard with `query` (a view URL), signed in with `key` (a viewer's, or an
 * admin's to see sample requests), and waits until every panel loaded. */
export async function openDashboard(page: Page, baseUrl: string, query: string, key: string): Promise<void> {
  await page.goto(`${baseUrl}/dashboard${query}#key=${key}`);
  await expect(page.locator("body[data-loaded]")).toBeAttached();
}

/** Waits for the next complete reload of the panels after `action`. */
export async function reloadAfter(page: Page, action: () => Promise<void>): Promise<void> {
  const before = await page.locator("body").getAttribute("data-loaded");
  await action();
  await expect(page.locator("body")).not.toHaveAttribute("data-loaded", before ?? "");
}

export async function cardValue(page: Page, metric: string): Promise<string> {
  return (await page.locator(`output[data-metric="${metric}"]`).getAttribute("data-value")) ?? "";
}

/** A full-page screenshot in the test output (test-results/screenshots/NAME.png). */
export async function screenshot(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = `test-results/screenshots/${name}.png`;
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}

/** The view query of a fixed range. */
export function customRange(from: Date, to: Date): string {
  return `?range=custom&from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
}
