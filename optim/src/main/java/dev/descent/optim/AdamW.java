package dev.descent.optim;

import dev.descent.autodiff.Variable;

import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019), as {@code torch.optim.AdamW}: {@link Adam} with the weight decay applied to
 * the weights directly, {@code w = w - lr * lambda * w}, before the Adam step, instead of being added to the
 * gradient (where Adam's normalisation would rescale it). Default weight decay 0.01.
 *
 * <pre>
 * for t = 1, 2, ...
 *     w = w - lr * lambda * w                            -- decoupled
 *     m = beta1 * m + (1 - beta1) * g
 *     v = beta2 * v + (1 - beta2) * g^2                  -- amsgrad: vMax = max(vMax, v)
 *     w = w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * <pre>{@code
 * AdamW adamw = new AdamW(params, AdamW.options().withLr(1e-3).withWeightDecay(0.05));
 * }</pre>
 */
public final class AdamW extends Adam {

    /** PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, decoupled. */
    public static Options options() {
        return Adam.options().withWeightDecay(0.01).withDecoupledWeightDecay(true);
    }

    public AdamW(List<Variable> params, Options options) {
        this(single(params, options));
    }

    public AdamW(List<ParamGroup<Options>> groups) {
        super("AdamW", groups);
    }

    @Override
    protected void validate(Options o) {
        super.validate(o);
        Check.require(o.decoupledWeightDecay(), name(), "weight decay is always decoupled; got "
                + "decoupledWeightDecay=false (use Adam for L2 added to the gradient, or AdamW.options())");
    }
}
