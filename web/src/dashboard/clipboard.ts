/** Copy text for the presenter. The async clipboard needs a secure context (https or localhost). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard) return false;
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // refused (no permission, not focused): the caller shows the text to copy by hand
  }
}
