// The confirmation link carries its code after "#", which browsers never send to a server.
// Put it in the form, take it out of the address bar, and open the link's entries.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("open-link");
  var token = window.location.hash.slice(1);
  if (!form || !token) {
    return;
  }
  form.elements.token.value = decodeURIComponent(token);
  history.replaceState(null, "", window.location.pathname);
  form.submit();
});
