/**
 * The JSON Schemas (2020-12) of the local API: one source for request validation (validator.ts) and for the
 * OpenAPI 3.1 description served at GET /openapi.json (openapi.ts). They follow the published contract
 * (hipay-unattended-ecr-connector.swagger.yaml) and the decisions of local-api.md.
 */
import * as currencyCodes from 'currency-codes';
import { RECEIPT_KEYS, currencyByAlpha, type ReceiptKey } from '@ecr/common';
import type { SchemaType } from './schema-type';

export type JsonSchema = { [keyword: string]: unknown };

/** Concert V2 carries the amount in 8 digits. */
export const MAX_AMOUNT = 99_999_999;
/**
 * HiPay's orderid holds at most 32 characters (hipay-gateway.md, "Limits and codes"): an orderId HiPay would
 * refuse is refused before the card is charged. Letters, digits, '_', '-' and '.' only: HiPay documents
 * alphanumeric and its own example uses '_'; the generated ones (order-id.ts) stay inside.
 */
export const ORDER_ID_MAX_LENGTH = 32;
export const ORDER_ID_PATTERN = '^[A-Za-z0-9_.-]+$';
/** The rule in words, for the 400 answers and the OpenAPI description. */
export const ORDER_ID_RULE = `at most ${ORDER_ID_MAX_LENGTH} characters (HiPay's limit for an orderid) of letters, digits, "_", "-" and "."`;

/** Every ISO 4217 alphabetic code the connector knows an exponent for (currencyByAlpha). */
export const CURRENCY_CODES: string[] = currencyCodes
  .codes()
  .filter((code) => currencyByAlpha(code) !== undefined)
  .sort();

/**
 * The names of the component schemas. Written out, not read off COMPONENT_SCHEMAS, because the schemas' own
 * $refs are typed with them; `satisfies` below keeps the list and the components the same set.
 */
export type SchemaName =
  | 'OrderQuery'
  | 'BasketItem'
  | 'Customer'
  | 'CustomData'
  | 'OrderResponse'
  | 'Receipt'
  | 'OrderStatus'
  | 'HipayDelivery'
  | 'VersionResponse'
  | 'ConfigResponse'
  | 'TlcResponse'
  | 'AppTlcStatus'
  | 'CheckResponse'
  | 'HealthReport'
  | 'ErrorResponse'
  | 'AuthentificationErrorResponse';

/** A reference to a component schema, typed with its name so SchemaType (schema-type.ts) can follow it. */
export function ref<const Name extends SchemaName>(name: Name): { readonly $ref: `#/components/schemas/${Name}` } {
  return { $ref: `#/components/schemas/${name}` };
}

/** An answer body: the contract wraps every answer, errors too, in an array. */
export function arrayOf<const Name extends SchemaName, const Bounds extends { minItems?: number; maxItems?: number } = Record<never, never>>(
  name: Name,
  bounds: Bounds = {} as Bounds,
) {
  return { type: 'array', items: ref(name), ...bounds } as const;
}

const nullable = <const Type extends string>(type: Type) => [type, 'null'] as const;

const OrderQuery = {
  type: 'object',
  description:
    'A payment request, sent as JSON or as application/x-www-form-urlencoded. Optional fields may be null, meaning ' +
    'not given. Unknown fields are ignored. In a form body, basket, customer and customData may be bracket-nested ' +
    '(basket[0][name]=...) or hold a JSON text; digits-only amount and quantity become integers, and decimal basket ' +
    'prices become numbers. A JSON body is never coerced.',
  required: ['amount'],
  properties: {
    amount: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_AMOUNT,
      description: 'Total amount in minor units of the currency (100 for 1.00 EUR, 100 for 100 JPY); at most 8 digits.',
      examples: [100],
    },
    orderId: {
      type: nullable('string'),
      minLength: 1,
      maxLength: ORDER_ID_MAX_LENGTH,
      pattern: ORDER_ID_PATTERN,
      description:
        `Order number of the payment: ${ORDER_ID_RULE}; anything else is refused with 400 before the terminal is asked. ` +
        'Generated (ECR_...) when missing, and returned in the answer.',
      examples: ['Order_12345'],
    },
    currency: {
      type: nullable('string'),
      enum: [...CURRENCY_CODES, null],
      default: 'EUR',
      description: 'ISO 4217 alphabetic currency code, upper case. Its minor-unit exponent comes from ISO 4217.',
      examples: ['EUR'],
    },
    basket: {
      anyOf: [ref('BasketItem'), { type: 'array', items: ref('BasketItem') }, { type: ['object', 'array', 'null'], items: {} }],
      description:
        'Shopping cart: one item or an array of items. If an item does not match BasketItem, or the total_amount ' +
        'values (major units) do not add up to amount, the payment still goes ahead and the HiPay order gets an empty ' +
        'cart; the answer echoes the basket as sent. Anything other than an object or an array is refused.',
    },
    customer: ref('Customer'),
    customData: ref('CustomData'),
  },
  additionalProperties: true,
} as const satisfies JsonSchema;

const BasketItem = {
  type: 'object',
  description: 'One item of the cart, as HiPay\'s Order API wants it.',
  required: ['product_reference', 'type', 'quantity', 'name', 'unit_price', 'tax_rate', 'total_amount'],
  properties: {
    european_article_numbering: {
      type: ['string', 'integer'],
      description: 'European article numbering; a number is forwarded as a string.',
      examples: ['4711892728946'],
    },
    product_reference: { type: 'string', minLength: 1, description: 'Unique product reference.', examples: ['NF-a1690'] },
    type: { type: 'string', enum: ['good', 'discount', 'fee'], description: 'Type of product.', examples: ['good'] },
    quantity: { type: 'integer', minimum: 1, description: 'Product quantity.', examples: [1] },
    name: { type: 'string', minLength: 1, description: 'Product description.', examples: ['My first product'] },
    unit_price: { type: 'number', description: 'Unit price including taxes, in major units of the order currency.', examples: [8.99] },
    tax_rate: { type: 'number', minimum: 0, description: 'Tax rate in percent.', examples: [0] },
    discount: { type: 'number', maximum: 0, description: 'Discount amount, 0 or negative.', examples: [0] },
    total_amount: {
      type: 'number',
      description: 'unit_price x quantity - discount, in major units; the sum over the basket must equal amount.',
      examples: [8.99],
    },
  },
  additionalProperties: true,
} as const satisfies JsonSchema;

// Customer data never blocks a payment: the field types below are what HiPay gets; a field that does not fit
// (or an e-mail HiPay would refuse) is left out of the HiPay order with a warning, never a 400 (customer.ts).
const Customer = {
  type: nullable('object'),
  description:
    'Customer information, forwarded to HiPay. A numeric id is forwarded as a string; firstName/lastName (the guide) ' +
    'and firstname/lastname (the contract) are both read. A field HiPay would refuse (e.g. a malformed e-mail) is ' +
    'left out of the HiPay order and the payment goes ahead; the answer echoes the customer as sent. Card numbers ' +
    'found in it are masked. Unknown keys are ignored.',
  properties: {
    id: { description: "Merchant's customer id: a string or an integer.", examples: ['283749291'] },
    firstname: { description: 'A string; firstName is read too.', examples: ['John'] },
    lastname: { description: 'A string; lastName is read too.', examples: ['Doe'] },
    email: { description: 'An e-mail address (name@domain.tld, no spaces).', examples: ['johnDoe@test.com'] },
  },
  additionalProperties: true,
} as const satisfies JsonSchema;

const CustomData = {
  type: nullable('object'),
  description: "Values to find again in HiPay's back office: boolean, integer, float or string only. Card numbers found in them are masked.",
  additionalProperties: { type: ['boolean', 'number', 'string'] },
  examples: [{ shop: 'Opera', vendor: 'Mario', newCustomer: true, event: 42 }],
} as const satisfies JsonSchema;

const RECEIPT_DESCRIPTIONS: Record<ReceiptKey, string> = {
  ticketHeader: 'Ticket header of the transaction.',
  localDate: 'Local date of the transaction (DDMMYY).',
  localTime: 'Local time of the transaction (HHMMSS).',
  acceptor: 'Acceptor name and location.',
  transactionType: 'Transaction type.',
  contractNumber: 'Merchant id (MID).',
  SIRET: 'SIRET number.',
  activity: 'Merchant Category Code (MCC).',
  paymentType: 'Payment type of the transaction.',
  siteType: 'Site type.',
  primaryAccountNumber: 'Masked primary account number.',
  TASA: 'Acceptor System Application Type.',
  cardAppExpiry: 'Expiry date of the card application.',
  serviceCode: 'Service code.',
  crypto: 'Cryptogram.',
  currencyNumCode: 'ISO 4217 numeric currency code.',
  acceptationSystemNum: 'Acceptation system number (rank of the terminal).',
  transactionNumber: 'Transaction number generated by the acceptor system.',
  transactionFileNumber: 'Transaction file number generated by the acceptor system.',
  readingMode: 'Reading mode of the primary account number.',
  authorizationNumber: 'Authorization number given by the acquirer.',
  forceCode: 'Force code.',
  amount: 'Amount in minor units, zero-padded.',
  currencyAlphaCode: 'ISO 4217 alphabetic currency code.',
  currencyFractionPart: 'Minor-unit exponent of the currency.',
  counterValueAmount: 'Amount in counter value.',
  counterValueCurrencyAlphaCode: 'Currency of the counter value.',
  counterValueCurrencyFractionPart: 'Minor-unit exponent of the counter value currency.',
  inclusiveAmount: 'Inclusive amount.',
  ticketFooter: 'Ticket footer of the transaction.',
  AID: 'Application identifier.',
  label: 'Application label (card brand).',
};

const Receipt = {
  type: 'object',
  description: 'Every key is always present; a value the terminal did not give is blanks of the field\'s width.',
  required: RECEIPT_KEYS,
  properties: Object.fromEntries(RECEIPT_KEYS.map((key) => [key, { type: 'string', description: RECEIPT_DESCRIPTIONS[key] }])) as {
    [Key in ReceiptKey]: { type: 'string'; description: string };
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

const orderResponseProperties = {
  status: { type: 'string', enum: ['Success', 'Failure'], description: 'Failure: declined, abandoned or cancelled; error says why.' },
  error: { type: nullable('string'), description: 'Why the payment failed; null on success.' },
  receipt: { anyOf: [ref('Receipt'), { type: 'null' }] },
  ticket: { type: nullable('string'), description: 'Customer ticket; each | is a line break.' },
  amount: { type: 'integer', minimum: 1, maximum: MAX_AMOUNT, description: 'Amount in minor units.' },
  currency: { type: 'string', description: 'ISO 4217 alphabetic currency code.' },
  orderId: { type: 'string', description: 'The order number, generated when the request had none.' },
  basket: { description: 'The basket as sent, or null.' },
  customer: { description: 'The customer as sent, or null.' },
  customData: { description: 'The custom data as sent, or null.' },
  notificationHipaySent: { type: 'boolean', description: 'Whether HiPay has confirmed the order.' },
} as const satisfies Record<string, JsonSchema>;

const OrderResponse = {
  type: 'object',
  required: Object.keys(orderResponseProperties) as (keyof typeof orderResponseProperties)[],
  properties: orderResponseProperties,
  additionalProperties: false,
} as const satisfies JsonSchema;

const HipayDelivery = {
  type: 'object',
  description: 'Delivery of the order to HiPay (the outbox keeps trying until HiPay confirms).',
  required: ['state', 'attempts'],
  properties: {
    state: { type: 'string', enum: ['not-needed', 'pending', 'delivered', 'refused'] },
    attempts: { type: 'integer', minimum: 0 },
    nextAttemptAt: { type: 'string', description: 'ISO 8601 time of the next try.' },
    lastError: { type: 'string' },
    transactionReference: { type: 'string' },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

const OrderStatus = {
  type: 'object',
  description:
    'A stored order: the POST /order answer (absent while the terminal has not answered) plus orderState and the ' +
    'state of its delivery to HiPay.',
  required: ['orderId', 'orderState', 'hipay'],
  properties: {
    ...orderResponseProperties,
    orderState: {
      type: 'string',
      enum: ['in-progress', 'done', 'outcome-unknown', 'paid-other-amount'],
      description:
        "'outcome-unknown': the request reached the terminal but no answer came (time-out, line lost, tp-manager restarted); a late answer still lands here, and the orderId cannot be paid again meanwhile. " +
        "'paid-other-amount': the terminal approved another amount or currency than asked; the answer is Failure naming what was paid, and HiPay gets what was paid.",
    },
    hipay: ref('HipayDelivery'),
    display: {
      type: 'string',
      description:
        'While a payment runs on a terminal that reports its status (ZVT intermediate status 04 FF): what it last showed, as it worded it ("insert card", "PIN entry"...). Absent otherwise. Not in HiPay\'s contract.',
      examples: ['insert card'],
    },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

const VersionResponse = {
  type: 'object',
  required: ['version', 'type', 'os'],
  properties: {
    version: { type: 'string', examples: ['1.2.3-tpa-linux_64'] },
    type: { type: 'string', enum: ['tpa', 'tpe'], description: 'tpa: unattended terminal; tpe: attended terminal.' },
    os: { type: 'string', examples: ['linux_64'] },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

const ConfigResponse = {
  type: 'object',
  required: ['deviceId'],
  properties: { deviceId: { type: 'string', description: 'Hardware serial number.', examples: ['00000012345678'] } },
  additionalProperties: false,
} as const satisfies JsonSchema;

const AppTlcStatus = {
  type: 'object',
  required: ['Name', 'Status'],
  properties: {
    Name: { type: 'string', examples: ['CB EMV'] },
    Status: { type: 'string', enum: ['0', '1', '2', '3'], description: '0 ok, 1 incomplete, 2 call error, 3 no call.' },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

const TlcResponse = {
  type: 'object',
  required: ['NbApp', 'App'],
  properties: { NbApp: { type: 'string', examples: ['1'] }, App: { type: 'array', items: ref('AppTlcStatus') } },
  additionalProperties: false,
} as const satisfies JsonSchema;

const CheckResponse = {
  type: 'object',
  required: ['cr', 'card', 'call', 'periph'],
  properties: {
    cr: { type: 'string', enum: ['0', '1', '2', '3'], description: '0 available, 1 busy, 2 maintenance, 3 not connected.' },
    card: { type: 'string', enum: ['0', '1'], description: '0 no card, 1 card in the contact reader.' },
    call: { type: 'string', enum: ['0', '1', '2'], description: '0 idle, 1 data capture, 2 parameter download.' },
    periph: { type: 'string', enum: ['0', '1', '2', '3'], description: '0 ok, 1 pin-pad out, 2 reader out, 3 both out.' },
    display: {
      type: 'string',
      description:
        'While a payment runs on a terminal that reports its status (ZVT intermediate status 04 FF): what it last showed, as it worded it ("insert card", "PIN entry"...). Absent otherwise. Not in HiPay\'s contract.',
      examples: ['insert card'],
    },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

/**
 * GET /health's body: the health report. Its overall `status` is the health status (metrics/health-status.ts);
 * the watchdog's probe (health-check.ts) and a new release's probe (maintenance/health-probe.ts) read it.
 */
const HealthReport = {
  type: 'object',
  description:
    'The connector as a technician or a monitor sees it. status "fail" (HTTP 503) when no payment can be taken: ' +
    'tp-manager does not answer or its journal cannot be written; "warn" when a payment still works but something ' +
    'needs a look: terminal link down, an outcome-unknown order, answers credited to no order, HiPay not confirming ' +
    'for over 15 min or refusing, low disk; "pass" otherwise.',
  required: ['supervisor', 'tpManager', 'outbox'],
  properties: {
    status: {
      type: 'string',
      enum: ['pass', 'warn', 'fail'],
      description: 'The overall verdict; "fail" is answered with HTTP 503 (the watchdog and Docker read it).',
    },
    problems: {
      type: 'array',
      items: { type: 'string' },
      description: 'Why the status is not "pass", one line each, failures first.',
      examples: [['terminal link disconnected: no answer to ENQ']],
    },
    kioskId: { type: 'string', description: "KIOSK_ID (default: the host name): which kiosk of a fleet answers." },
    supervisor: {
      type: 'object',
      required: ['pid', 'uptimeS', 'version'],
      properties: { pid: { type: 'integer' }, uptimeS: { type: 'number', minimum: 0 }, version: { type: 'string' } },
      additionalProperties: false,
    },
    orders: {
      type: 'object',
      description: 'Orders in the order book by state.',
      required: ['outcomeUnknown', 'inProgress'],
      properties: {
        outcomeUnknown: {
          type: 'integer',
          minimum: 0,
          description: "Orders the terminal got whose answer never came (599): the card may have been charged; the terminal's late answer settles them.",
        },
        inProgress: { type: 'integer', minimum: 0, description: 'Payments waiting for the terminal now.' },
      },
      additionalProperties: false,
    },
    lastPayment: {
      type: 'object',
      description: 'The latest payment that ended, from the order book.',
      required: ['at', 'outcome'],
      properties: {
        orderId: { type: 'string' },
        at: { type: 'string', description: 'ISO 8601 time it ended.' },
        outcome: { type: 'string', enum: ['success', 'failure', 'paid-other-amount', 'outcome-unknown'] },
      },
      additionalProperties: false,
    },
    disk: {
      type: 'object',
      description: 'Free space where the data directory lies (SQLite files and logs).',
      required: ['path', 'freeBytes', 'totalBytes'],
      properties: {
        path: { type: 'string' },
        freeBytes: { type: 'integer', minimum: 0 },
        totalBytes: { type: 'integer', minimum: 0 },
      },
      additionalProperties: false,
    },
    tpManager: {
      type: 'object',
      required: ['reachable'],
      properties: {
        reachable: { type: 'boolean' },
        link: { type: 'string', examples: ['connected'] },
        linkReason: { type: 'string', description: 'Why the link to the terminal is not connected, one line.' },
        busy: { type: 'boolean', description: 'A terminal transaction is in progress.' },
        journalFault: { type: 'string', description: "Set while tp-manager's journal cannot be written: payments are refused (503)." },
        unattributed: {
          type: 'integer',
          minimum: 0,
          description: 'Terminal answers tp-manager could not surely credit to one payment, kept for reconciliation (money rule 3).',
        },
        unattributedRecent: {
          type: 'array',
          description: 'The newest of them, for a technician to reconcile; card numbers masked.',
          items: {
            type: 'object',
            required: ['receivedAt', 'outcome', 'amount', 'why'],
            properties: {
              receivedAt: { type: 'string' },
              ref: { type: 'string' },
              outcome: { type: 'string' },
              amount: { type: 'string', examples: ['1.00 EUR'] },
              maskedPan: { type: 'string' },
              authorisationNumber: { type: 'string' },
              why: { type: 'string' },
            },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
    outbox: {
      type: 'object',
      description: 'Where delivery of paid orders to HiPay stands.',
      required: ['pending', 'refused'],
      properties: {
        pending: { type: 'integer', minimum: 0 },
        refused: { type: 'integer', minimum: 0 },
        delivered: { type: 'integer', minimum: 0 },
        oldestPendingAgeS: { type: 'number', minimum: 0, description: 'Age of the oldest order HiPay has not confirmed, seconds.' },
        lastError: { type: 'string', description: 'The latest delivery error of a pending order, one line.' },
        oldestRefusedAgeS: { type: 'number', minimum: 0, description: 'Age of the oldest order HiPay refused, seconds.' },
        lastRefusedReason: { type: 'string', description: "The latest refusal's reason." },
      },
      additionalProperties: false,
    },
    maintenance: {
      description: 'State of the daily maintenance: updateTime, nextRunAt and the last run (telecollection, update).',
    },
  },
  additionalProperties: false,
} as const satisfies JsonSchema;

const ErrorResponse = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string', description: 'One line saying what went wrong.', examples: ['Connection time out'] } },
  additionalProperties: false,
} as const satisfies JsonSchema;

export const COMPONENT_SCHEMAS = {
  OrderQuery,
  BasketItem,
  Customer,
  CustomData,
  OrderResponse,
  Receipt,
  OrderStatus,
  HipayDelivery,
  VersionResponse,
  ConfigResponse,
  TlcResponse,
  AppTlcStatus,
  CheckResponse,
  HealthReport,
  ErrorResponse,
  AuthentificationErrorResponse: { ...ErrorResponse, description: 'Missing or wrong Basic credentials.' },
} as const satisfies Record<SchemaName, JsonSchema>;

export type Components = typeof COMPONENT_SCHEMAS;

/** The value a component schema describes, e.g. SchemaValue<'OrderResponse'> (schema-type.ts). */
export type SchemaValue<Name extends SchemaName> = SchemaType<Components[Name], Components>;
