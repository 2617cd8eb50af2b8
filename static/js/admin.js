// The curators' admin pages: the TWIR draft's "copy" button (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("copy-markdown");
  if (!button) {
    return;
  }
  button.addEventListener("click", async () => {
    const text = document.getElementById("twir-markdown");
    const status = document.getElementById("copy-status");
    try {
      await navigator.clipboard.writeText(text.value);
    } catch (error) {
      text.select();
      document.execCommand("copy");
    }
    status.textContent = "Copied.";
  });
});
