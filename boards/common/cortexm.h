/**
 * @file cortexm.h
 * @brief The handful of Cortex-M system registers the common board code
 *        touches, and the architecture facts it needs, chosen from the
 *        compiler's architecture macros (never by probing the core).
 *
 * A CMSIS header would do the same; this one is small enough to read and
 * keeps the boards free of vendor packs.
 */
#ifndef BOARD_CORTEXM_H
#define BOARD_CORTEXM_H

#include <stdint.h>

#define CORTEXM_REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* System control block (same addresses on every M profile). */
#define SCB_ICSR  CORTEXM_REG(0xE000ED04u)
#define SCB_VTOR  CORTEXM_REG(0xE000ED08u)
#define SCB_SHPR3 CORTEXM_REG(0xE000ED20u) /* SysTick and PendSV priority */
#define SCB_CFSR  CORTEXM_REG(0xE000ED28u) /* mainline only */
#define SCB_HFSR  CORTEXM_REG(0xE000ED2Cu)
#define SCB_DFSR  CORTEXM_REG(0xE000ED30u)
#define SCB_MMFAR CORTEXM_REG(0xE000ED34u)
#define SCB_BFAR  CORTEXM_REG(0xE000ED38u)
#define SCB_CPACR CORTEXM_REG(0xE000ED88u)

/* SysTick. */
#define SYST_CSR CORTEXM_REG(0xE000E010u)
#define SYST_RVR CORTEXM_REG(0xE000E014u)
#define SYST_CVR CORTEXM_REG(0xE000E018u)
#define SYST_CSR_ENABLE    (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2) /* 1: the processor clock */

/* NVIC: interrupt n's enable bit and priority byte. */
#define NVIC_ISER(n) CORTEXM_REG(0xE000E100u + 4u * ((n) / 32u))
#define NVIC_ICER(n) CORTEXM_REG(0xE000E180u + 4u * ((n) / 32u))
#define NVIC_IPR(n)  CORTEXM_REG(0xE000E400u + 4u * ((n) / 4u))

/* Architecture. Baseline profiles (v6-M, v8-M Baseline) have no BASEPRI
 * and no fault status registers; v6-M has no VTOR either (v8-M Baseline
 * usually does, and the boards we ship have it). */
#if defined(__ARM_ARCH_6M__)
#define CORTEXM_BASELINE 1
#define BOARD_HAS_VTOR 0
#elif defined(__ARM_ARCH_8M_BASE__)
#define CORTEXM_BASELINE 1
#define BOARD_HAS_VTOR 1
#elif defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__) || \
	defined(__ARM_ARCH_8M_MAIN__) || defined(__ARM_ARCH_8_1M_MAIN__)
#define CORTEXM_BASELINE 0
#define BOARD_HAS_VTOR 1
#else
#error "boards/common: not an M-profile architecture the boards know"
#endif

#endif /* BOARD_CORTEXM_H */
