// The TWIR draft page: copy the drafted Markdown (a file, not inline: the CSP allows no inline script).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("copy-markdown");
  const text = document.getElementById("twir-markdown");
  const status = document.getElementById("copy-status");
  if (!button || !text || !status) return;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(text.value);
    } catch (error) {
      text.select();
      document.execCommand("copy");
    }
    status.textContent = "Copied.";
  });
});
