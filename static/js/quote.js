// The public quote page: its print button (the page has no inline scripts, for its CSP).
document.addEventListener('click', (e) => {
  if (e.target.closest('[data-print]')) window.print();
});
