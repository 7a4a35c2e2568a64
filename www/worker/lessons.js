// The guided lessons' worker side: sends the lesson table (texts, link fields, goals: all
// Rust's, src/playground/lessons.rs) when the panel asks, and while the panel is open adds to
// each frame the state of the goal of the step the link names, judged in Rust from the frame's
// step report.
import { registerTool } from './tools.js';

const num = (v) => (v == null ? NaN : v);

registerTool('lessons', {
  handlers: {
    lessons_list(s) {
      self.postMessage({ type: 'lessons', lessons: JSON.parse(s.wasm.lessons_json()) });
      s.refresh(); // a frame with the goal's state follows
    },
  },
  frame(s, msg) {
    const r = msg.report;
    if (!r) return;
    msg.lessonGoal = JSON.parse(s.pg.lesson_goal_json(r.epoch, num(r.train_loss), num(r.test_loss), num(r.test_metric), Boolean(r.diverged)));
  },
});
