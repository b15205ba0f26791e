package jpool.magics;

import jpool.eval.JShellEvaluator;

/** Registers jpool's magics. */
final class BuiltinMagics {
    private BuiltinMagics() {
    }

    static void registerAll(MagicDispatcher d, JShellEvaluator evaluator) {
    }
}
