//! A fixed-capacity ring buffer over `MaybeUninit<T>` slots.

use std::mem::MaybeUninit;

/// A ring buffer holding at most `N` values; pushing onto a full ring
/// hands the value back.
pub struct Ring<T, const N: usize> {
    slots: [MaybeUninit<T>; N],
    head: usize,
    len: usize,
}

impl<T, const N: usize> Ring<T, N> {
    pub fn new() -> Self {
        Ring {
            // SAFETY: an array of `MaybeUninit` needs no initialisation.
            slots: unsafe { MaybeUninit::uninit().assume_init() },
            head: 0,
            len: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, value: T) -> Result<(), T> {
        if self.len == N {
            return Err(value);
        }
        let tail = (self.head + self.len) % N;
        self.slots[tail].write(value);
        self.len += 1;
        Ok(())
    }

    pub fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        // SAFETY: slots head..head+len are initialised, and `head` is one of
        // them because len > 0; we move the value out and forget the slot.
        let value = unsafe { self.slots[self.head].assume_init_read() };
        self.head = (self.head + 1) % N;
        self.len -= 1;
        Some(value)
    }

    /// Returns the oldest value without removing it.
    pub fn peek(&self) -> Option<&T> {
        if self.len == 0 {
            None
        } else {
            unsafe { Some(self.slots[self.head].assume_init_ref()) }
        }
    }

    /// Returns the value `i` places after the oldest, unchecked.
    ///
    /// # Safety
    ///
    /// `i` must be less than `self.len()`.
    pub unsafe fn get_unchecked(&self, i: usize) -> &T {
        self.slots[(self.head + i) % N].assume_init_ref()
    }
}

impl<T, const N: usize> Default for Ring<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, const N: usize> Drop for Ring<T, N> {
    fn drop(&mut self) {
        while self.pop().is_some() {}
    }
}

// The ring owns its values; it is Send exactly when they are.
unsafe impl<T: Send, const N: usize> Send for Ring<T, N> {}

#[cfg(test)]
mod tests {
    use super::Ring;

    #[test]
    fn push_pop_wraps() {
        let mut r: Ring<u32, 3> = Ring::new();
        for i in 0..3 {
            r.push(i).unwrap();
        }
        assert_eq!(r.push(9), Err(9));
        assert_eq!(r.pop(), Some(0));
        r.push(3).unwrap();
        assert_eq!(r.peek(), Some(&1));
        assert_eq!(unsafe { *r.get_unchecked(2) }, 3);
        assert_eq!(r.len(), 3);
    }

    #[test]
    fn drops_what_it_holds() {
        let mut r: Ring<String, 4> = Ring::new();
        r.push("a".to_string()).unwrap();
        r.push("b".to_string()).unwrap();
        drop(r);
    }
}
