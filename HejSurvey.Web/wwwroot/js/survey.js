// The survey form's bar of parts, once JavaScript runs: which part is in view and how many questions have an answer.
// Without it the form is the same, and each part's heading still says "Del 2 av 5".
(() => {
  const bar = document.querySelector('.progress');
  const status = bar?.querySelector('.progress-status');
  const form = document.querySelector('form[method=post]');
  if (!bar || !status || !form) {
    return;
  }
  const part = status.querySelector('.progress-part');
  const count = status.querySelector('.progress-count');
  const questions = count.dataset.questions.split(' ');
  const links = [...bar.querySelectorAll('ol a')];
  const sections = links.map(link => document.getElementById(link.hash.slice(1)));

  const showCount = () => {
    const answered = questions.filter(name => form.querySelector(`input[name="${name}"]:checked`)).length;
    count.textContent = count.dataset.text.replace('{0}', answered.toLocaleString(document.documentElement.lang));
  };

  // The part in view is the last one whose top has passed the upper third of the screen; above the first, the first.
  const showPart = () => {
    const line = window.innerHeight / 3;
    let current = 0;
    sections.forEach((section, i) => {
      if (section && section.getBoundingClientRect().top <= line) {
        current = i;
      }
    });
    const heading = sections[current]?.querySelector('h2');
    if (heading) {
      part.textContent = heading.textContent;
    }
    links.forEach((link, i) => {
      if (i === current) {
        link.setAttribute('aria-current', 'step');
      } else {
        link.removeAttribute('aria-current');
      }
    });
  };

  let pending = false;
  const onScroll = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        showPart();
      });
    }
  };

  form.addEventListener('change', showCount);
  window.addEventListener('scroll', onScroll, { passive: true });
  window.addEventListener('resize', onScroll, { passive: true });
  showCount();
  showPart();
  status.hidden = false;
  bar.classList.add('counting');
})();
