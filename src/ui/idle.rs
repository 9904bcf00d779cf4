//! The idle reset: after `timeout` seconds without a touch any page returns home and
//! every field is cleared; in the last `warning` seconds the person is asked whether they
//! are still there. Counted in whole-second ticks of a Slint timer, so the UI tests drive
//! it with mocked time.

/// What the kiosk should do after one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleAction {
    /// Nothing to show or change.
    Wait,
    /// Show (or keep showing) "are you still there?" with this many seconds left.
    Warn(u32),
    /// Time is up: go home, clear every field, restore the default language.
    Reset,
}

#[derive(Debug, Clone)]
pub struct IdleClock {
    timeout: u32,
    warning: u32,
    left: u32,
}

impl IdleClock {
    pub fn new(timeout_secs: u32, warning_secs: u32) -> Self {
        let timeout = timeout_secs.max(1);
        Self {
            timeout,
            warning: warning_secs.min(timeout - 1),
            left: timeout,
        }
    }

    /// Someone touched the screen.
    pub fn touch(&mut self) {
        self.left = self.timeout;
    }

    pub fn seconds_left(&self) -> u32 {
        self.left
    }

    /// One second passed. On the home page nothing personal is on screen, so no warning
    /// is shown there; the reset still restores the default language.
    pub fn tick(&mut self, on_home: bool) -> IdleAction {
        self.left = self.left.saturating_sub(1);
        if self.left == 0 {
            self.left = self.timeout;
            return IdleAction::Reset;
        }
        if !on_home && self.left <= self.warning {
            IdleAction::Warn(self.left)
        } else {
            IdleAction::Wait
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_in_the_last_seconds_then_resets() {
        let mut clock = IdleClock::new(120, 10);
        let actions: Vec<_> = (0..120).map(|_| clock.tick(false)).collect();
        assert!(actions[..109].iter().all(|a| *a == IdleAction::Wait));
        assert_eq!(actions[109], IdleAction::Warn(10));
        assert_eq!(actions[118], IdleAction::Warn(1));
        assert_eq!(actions[119], IdleAction::Reset);
        assert_eq!(clock.seconds_left(), 120, "the countdown starts again after a reset");
    }

    #[test]
    fn a_touch_restarts_the_countdown() {
        let mut clock = IdleClock::new(30, 5);
        for _ in 0..27 {
            clock.tick(false);
        }
        assert_eq!(clock.tick(false), IdleAction::Warn(2));
        clock.touch();
        assert_eq!(clock.tick(false), IdleAction::Wait);
        assert_eq!(clock.seconds_left(), 29);
    }

    #[test]
    fn home_never_warns_but_still_resets() {
        let mut clock = IdleClock::new(20, 5);
        let actions: Vec<_> = (0..20).map(|_| clock.tick(true)).collect();
        assert!(actions[..19].iter().all(|a| *a == IdleAction::Wait));
        assert_eq!(actions[19], IdleAction::Reset);
    }

    #[test]
    fn nonsense_settings_do_not_underflow() {
        let mut clock = IdleClock::new(0, 50);
        assert_eq!(clock.tick(false), IdleAction::Reset);
    }
}
