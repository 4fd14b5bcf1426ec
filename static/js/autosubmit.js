// A control marked data-autosubmit sends its form when it changes; data-clears names a field
// of the same form to empty first (choosing another plan forgets the day chosen for the old
// one). In a file, not in onchange attributes, so the Content-Security-Policy allows no
// inline script at all.
document.addEventListener("change", (event) => {
  const control = event.target.closest("[data-autosubmit]");
  if (!control || !control.form) return;
  const cleared = control.dataset.clears && control.form.elements[control.dataset.clears];
  if (cleared) cleared.value = "";
  control.form.requestSubmit ? control.form.requestSubmit() : control.form.submit();
});
