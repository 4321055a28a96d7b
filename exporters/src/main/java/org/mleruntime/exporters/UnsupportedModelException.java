package org.mleruntime.exporters;

import org.mleruntime.InvalidModelException;

/**
 * A well-formed model file that uses something no converter translates exactly (an objective, a
 * booster, categorical features of a kind the engine cannot route). The message names what the
 * file uses and what is supported, so the user can retrain or choose another export path.
 */
public class UnsupportedModelException extends InvalidModelException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
